"""The shared encoder of the DeepLabV3+ family: stride-4 skip + last map."""
from typing import Optional, Sequence, Tuple

from torch import Tensor, nn

from mtlw.registry import MODELS


def encoder_channels(backbone: nn.Module,
                     in_channels: Optional[Sequence[int]] = None
                     ) -> Tuple[int, ...]:
    """Channels of the backbone's outputs: given, or read from the encoder
    (``out_channels`` of :class:`TimmEncoder`, timm's ``feature_info`` of
    other timm wrappers).

    Args:
        backbone (nn.Module): The built backbone.
        in_channels (Sequence[int], optional): Explicit channels.

    Returns:
        tuple[int, ...]: One entry per output map.
    """
    if in_channels is not None:
        return tuple(in_channels)
    if isinstance(getattr(backbone, 'out_channels', None), tuple):
        return backbone.out_channels
    timm_model = getattr(backbone, 'timm_model', None)
    if timm_model is None or not hasattr(timm_model, 'feature_info'):
        raise ValueError(f'cannot read the output channels of '
                         f'{type(backbone).__name__}: give in_channels='
                         '(skip channels, last channels)')
    return tuple(timm_model.feature_info.channels())


class DeepLabEncoder(nn.Module):
    """A backbone whose outputs are (stride-4 skip, stride-16 map).

    The encoder of Argenziano and Pagani ("Multi-Task Learning for Semantics
    and Depth", course report, 2022) is a ResNet34 / ResNet50 with the last
    stride replaced by a dilation (``replace_stride_with_dilation=(False,
    False, True)``). timm does this with ``output_stride=16``, e.g.
    ``dict(type='TimmEncoder', model_name='resnet50', pretrained=True,
    output_stride=16, out_indices=(1, 4))``; ``seresnet50``
    adds squeeze-and-excitation to every bottleneck.

    Args:
        backbone (dict): Config returning exactly two maps: the skip and
            the last map.
        in_channels (Sequence[int], optional): Their channels, when they
            cannot be read from a timm backbone.
    """

    def __init__(self, backbone: dict,
                 in_channels: Optional[Sequence[int]] = None) -> None:
        super().__init__()
        self.body = MODELS.build(backbone)
        channels = encoder_channels(self.body, in_channels)
        if len(channels) != 2:
            raise ValueError(f'the DeepLab encoder needs two outputs (the '
                             f'stride-4 skip and the last map, e.g. '
                             f'out_indices=(1, 4)), got channels {channels}')
        self.skip_channels, self.out_channels = channels

    def forward(self, inputs: Tensor) -> Tuple[Tensor, Tensor]:
        """``(skip, last)`` maps."""
        skip, last = self.body(inputs)
        return skip, last
