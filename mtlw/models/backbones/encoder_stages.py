"""An encoder cut into its stages, for nets that act between stages."""
from typing import List

from mmengine.model import BaseModule, ModuleList
from torch import Tensor, nn

from mtlw.registry import MODELS


def split_stages(encoder: nn.Module) -> List[nn.Sequential]:
    """The stages of a timm ``features_only`` encoder that runs its children
    in order (``FeatureListNet``: ResNets, ...), cut after each returned
    feature: ResNet gives stem, ``maxpool + layer1``, ``layer2`` ...
    ``layer4``."""
    model = getattr(encoder, 'timm_model', encoder)
    returned = getattr(model, 'return_layers', None)
    if returned is None:
        raise TypeError(
            f'{type(model).__name__} does not run its stages as ordered '
            'children: use a timm encoder built as FeatureListNet (ResNet, '
            'ResNeXt, ...) with features_only=True')
    stages, current = [], []
    for name, child in model.named_children():
        current.append(child)
        if name in returned:
            stages.append(nn.Sequential(*current))
            current = []
    if len(stages) < 2:
        raise ValueError(
            f'{type(model).__name__} returns only {sorted(returned)}: build '
            'it with every stage returned (the default out_indices)')
    return stages


@MODELS.register_module()
class EncoderStages(BaseModule):
    """An encoder whose stages can be run one at a time.

    Built from a backbone config (:class:`TimmEncoder` or
    ``mmpretrain.TIMMBackbone`` with ``features_only=True``, a ResNet-like
    model and every stage returned); ``stages[i]`` maps the
    output of stage ``i - 1`` to that of stage ``i``, and ``forward`` returns
    every stage's output.

    Args:
        backbone (dict): Encoder config.
    """

    def __init__(self, backbone: dict) -> None:
        super().__init__()
        self.stages = ModuleList(split_stages(MODELS.build(backbone)))

    def forward(self, inputs: Tensor) -> List[Tensor]:
        outputs = []
        for stage in self.stages:
            inputs = stage(inputs)
            outputs.append(inputs)
        return outputs
