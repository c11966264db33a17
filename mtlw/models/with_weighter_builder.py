"""``type='WithWeighter'``: a weighter for any registered model, by config."""
from typing import Optional

from mmengine.model import BaseModel

from mtlw.registry import MODELS
from mtlw.weighting import with_weighter


@MODELS.register_module(name='WithWeighter')
def build_with_weighter(model: dict, weighter: Optional[dict] = None,
                        shared: Optional[str] = None) -> BaseModel:
    """Build any registered MMEngine model with its losses weighted.

    The model's class becomes ``Weighted<Name>``
    (:func:`~mtlw.weighting.with_weighter`): its ``parse_losses`` hands the
    unweighted loss terms of ``loss()`` to the weighter. Everything else
    (data preprocessing, prediction, checkpoints) is the model's own, and
    a model of another OpenMMLab library builds in that library's scope
    (``type='mmpretrain.ImageClassifier'``)::

        model = dict(
            type='WithWeighter',
            model=dict(type='CascadeEncoderDecoder', ...),
            weighter=dict(type='CoVWeighting'),
            shared='backbone')

    Heads should return their terms unweighted (``loss_weight=1.0``): the
    weighter is what weighs them.

    Args:
        model (dict): Config of the model, as it would be built without a
            weighter.
        weighter (dict, optional): A ``WEIGHTERS`` config; the plain sum
            when omitted.
        shared (str, optional): Submodule that gradient-based weighters
            differentiate against, e.g. ``'backbone'``.

    Returns:
        BaseModel: The weighted model.
    """
    if not isinstance(model, dict) or 'type' not in model:
        raise TypeError(f'WithWeighter model= must be a model config dict '
                        f'with a type, got {model!r}')
    config = dict(model)
    model_type = config.pop('type')
    model_cls = model_type
    if isinstance(model_type, str):
        model_cls = MODELS.get(model_type)
        if model_cls is None:
            # The registry's error, with the closest registered names.
            MODELS.build(dict(type=model_type))
        scope, _ = MODELS.split_scope_key(model_type)
        if scope is not None:
            config.setdefault('_scope_', scope)
    return MODELS.build(dict(config, type=with_weighter(model_cls),
                             weighter=weighter, shared=shared))
