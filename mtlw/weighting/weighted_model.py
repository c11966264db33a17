"""The model side of loss weighting: a ``weighter=`` for any MMEngine model."""
from collections import OrderedDict
from typing import Dict, Optional, Tuple, Type

import torch
from mmengine.model import BaseModel
from mmengine.utils import is_list_of
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .partial_labels import label_presence, present_terms

DEFAULT_WEIGHTER = dict(type='StaticWeighting')
#: Prefix of loss terms that a method adds unweighted (a regulariser of the
#: network itself, e.g. DSelect-k's gate entropy): the weighter never sees
#: them, the total includes them with weight 1.
REGULARIZER_PREFIX = 'reg.'


def reduce_loss_dict(losses: Dict[str, object]
                     ) -> Tuple[Dict[str, Tensor], Dict[str, Tensor]]:
    """Split a model's raw loss dict into loss terms and other log values.

    Tensors are averaged and lists of tensors summed over their means, as
    :meth:`mmengine.model.BaseModel.parse_losses` does. Keys containing
    ``'loss'`` are loss terms; the rest (accuracies, ...) are only logged.

    Args:
        losses (dict): Raw output of the model's ``loss()``.

    Returns:
        tuple[dict, dict]: Loss terms (scalar tensors with graph) and the
        detached other values.
    """
    terms, others = OrderedDict(), OrderedDict()
    for name, value in losses.items():
        if isinstance(value, Tensor):
            value = value.mean()
        elif is_list_of(value, Tensor):
            value = sum(item.mean() for item in value)
        else:
            raise TypeError(f'{name} is not a tensor or list of tensors')
        if 'loss' in name:
            terms[name] = value
        else:
            others[name] = value.detach()
    return terms, others


class WeightedLossMixin:
    """Gives an MMEngine model a ``weighter=`` at its loss-combining point.

    MMEngine's ``BaseModel.train_step`` and ``MMDistributedDataParallel`` both
    call ``model.parse_losses(losses)`` and then
    ``optim_wrapper.update_params(total)``. This mixin overrides
    ``parse_losses`` to hand the model's unweighted loss terms to its weighter,
    so weighting is correct on one device and under DDP, leaves AMP, gradient
    accumulation and clipping untouched, and checkpoints the weighter's state
    under ``weighter.``.

    Partial labels: a model that logs the number of labelled samples of each
    task as ``<task>.labelled`` (next to its terms ``<task>.<term>``) gets
    the rule of :mod:`mtlw.weighting.partial_labels`: at a step where some
    task has no labelled sample on some rank, the weighter weighs with its
    statistics frozen (:meth:`BaseWeighter.weigh_frozen`).

    Regularisers of the network itself (terms named ``reg.<name>``, e.g.
    DSelect-k's gate entropy) are not the weighter's: they join the total
    with weight 1, as the methods that define them add them.

    Use it first among the bases, or through :func:`with_weighter`::

        @MODELS.register_module()
        class WeightedEncoderDecoder(WeightedLossMixin, EncoderDecoder):
            pass

    Args:
        weighter (dict, optional): Config of a :data:`WEIGHTERS` type.
            Defaults to ``StaticWeighting`` (the plain sum).
        shared (str, optional): Name of the shared submodule (as in
            ``model.get_submodule``, e.g. ``'backbone'``) that gradient-based
            weighters differentiate against.
    """

    def __init__(self, *args, weighter: Optional[dict] = None,
                 shared: Optional[str] = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.weighter = WEIGHTERS.build(weighter or DEFAULT_WEIGHTER)
        self.shared = shared
        if shared is not None:
            # Resolved at the first forward: a subclass may build the shared
            # module after calling this __init__.
            self._attach_hook = self.register_forward_pre_hook(
                self._attach_shared)
        elif self.weighter.needs_shared:
            raise ValueError(
                f'{type(self.weighter).__name__} differentiates against a '
                f'shared module: set shared=... on {type(self).__name__} '
                "(e.g. shared='backbone')")

    def _attach_shared(self, module, args) -> None:
        """Give the weighter the shared module, once."""
        self._attach_hook.remove()
        self.weighter.attach(self.get_submodule(self.shared), self.shared)

    def _zero_on_every_parameter(self) -> Tensor:
        """A zero with a (zero) gradient path to every trainable parameter.

        Under DDP every parameter must receive a gradient in each backward
        (unless ``find_unused_parameters``); a step whose masked losses were
        the only path to some parameters (an auxiliary head) adds this to
        its total. The parameters are finite, so the gradients are exact
        zeros.
        """
        return sum(param.reshape(-1)[:1].sum() * 0.0
                   for param in self.parameters() if param.requires_grad)

    def parse_losses(self, losses: Dict[str, Tensor]
                     ) -> Tuple[Tensor, Dict[str, Tensor]]:
        """Weigh the loss terms of ``losses``.

        Args:
            losses (dict): Raw output of the model's ``loss()``.

        Returns:
            tuple[Tensor, dict]: The weighted total with graph, and the log
            values: the total, each unweighted term and the other values.
        """
        terms, others = reduce_loss_dict(losses)
        regularizers = {name: terms.pop(name) for name in list(terms)
                        if name.startswith(REGULARIZER_PREFIX)}
        presence = (label_presence if self.weighter.weighs_partial_on_device
                    else present_terms)
        total, _ = self.weighter(terms, present=presence(terms, others))
        total = total + sum(regularizers.values())
        if self.weighter.masked_step and _distributed():
            total = total + self._zero_on_every_parameter()
        log_vars = OrderedDict(loss=total.detach())
        log_vars.update((name, value.detach()) for name, value in
                        {**terms, **regularizers}.items())
        log_vars.update(others)
        return total, log_vars


def _distributed() -> bool:
    return (torch.distributed.is_available()
            and torch.distributed.is_initialized()
            and torch.distributed.get_world_size() > 1)


def with_weighter(model_cls: Type[BaseModel],
                  module: Optional[str] = None) -> Type[BaseModel]:
    """The weighted subclass of any MMEngine model class.

    One class per model class: a second call (or a call for a class that
    has a hand-written weighted variant marked with ``weighted_variant_of``,
    such as :class:`~mtlw.models.WeightedEncoderDecoder`) returns the class
    made the first time, so that configs, checkpoints and ``isinstance``
    checks agree. A class that already has a weighter is returned as it is.

    Example:
        >>> WeightedFoo = MODELS.register_module(module=with_weighter(Foo))

    Args:
        model_cls (type): A subclass of :class:`mmengine.model.BaseModel`.
        module (str, optional): The module the new class claims to live in
            (set it where the class is also bound to a module attribute, so
            that it pickles and documents under that name). Defaults to the
            module of ``model_cls``.

    Returns:
        type: ``Weighted<Name>``, taking ``weighter=`` and ``shared=``.
    """
    if not (isinstance(model_cls, type) and issubclass(model_cls, BaseModel)):
        raise TypeError(f'{getattr(model_cls, "__name__", model_cls)} is not '
                        'an mmengine BaseModel')
    if issubclass(model_cls, WeightedLossMixin):
        return model_cls
    for subclass in model_cls.__subclasses__():
        if subclass.__dict__.get('weighted_variant_of') is model_cls:
            return subclass
    return type(f'Weighted{model_cls.__name__}',
                (WeightedLossMixin, model_cls),
                dict(__doc__=f'{model_cls.__name__} with a ``weighter=``.\n\n'
                     + WeightedLossMixin.__doc__,
                     __module__=module or model_cls.__module__,
                     weighted_variant_of=model_cls))


def get_weighter(model: torch.nn.Module):
    """The weighter of a (possibly DDP-wrapped) model, or None."""
    from mmengine.model import is_model_wrapper
    if is_model_wrapper(model):
        model = model.module
    return getattr(model, 'weighter', None)
