"""Decoder of the Loss Scale Balancing networks."""
from typing import Optional, Sequence

import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor, nn

from mtlw.registry import MODELS, register_former_name

DEFAULT_CHANNELS = (512, 256, 128, 64, 32, 16)


@MODELS.register_module()
class TwelveConvDecoder(BaseModule):
    """Decoder of Lee, Lee, Kim, "Learning Multiple Pixelwise Tasks Based on
    Loss Scale Balancing" (ICCV 2021, supplement Fig. S-1).

    Plain 3x3 convolutions with ReLU and bilinear 2x upsamplings from the
    encoder's stride-32 feature map to the input resolution: two convolutions
    at the encoder's resolution, then per upsampling two more, the last of
    which outputs ``out_channels`` (``c0``) estimates without activation.
    With the default six widths that is the paper's 12 convolutions and 5
    upsamplings. Convolutions are Xavier-initialised (uniform, zero bias).

    The supplement's figure gives the widths as a drawing only; the default
    halving widths are this implementation's choice.

    Args:
        in_channels (int): Channels of the encoder output.
        out_channels (int): ``c0``, the estimates of all tasks it serves.
        channels (Sequence[int]): Width at the encoder's resolution and after
            each upsampling; ``len(channels) - 1`` upsamplings and
            ``2 len(channels)`` convolutions. Defaults to
            ``(512, 256, 128, 64, 32, 16)``.
        init_cfg (dict, optional): Defaults to Xavier on every Conv2d.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 channels: Sequence[int] = DEFAULT_CHANNELS,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg or dict(
            type='Xavier', layer='Conv2d', distribution='uniform', bias=0.0))
        if len(channels) < 1 or min(channels) < 1:
            raise ValueError('TwelveConvDecoder channels must be positive '
                             f'widths, got {tuple(channels)}')
        self.convs = nn.ModuleList()
        previous = in_channels
        for stage, width in enumerate(channels):
            last = stage == len(channels) - 1
            self.convs.append(nn.Conv2d(previous, width, 3, padding=1))
            self.convs.append(nn.Conv2d(width, out_channels if last else width,
                                        3, padding=1))
            previous = width
        self.in_channels, self.out_channels = in_channels, out_channels
        self.channels = tuple(channels)

    def forward(self, x: Tensor) -> Tensor:
        """(B, in_channels, h, w) -> (B, out_channels, 2^n h, 2^n w)."""
        last = len(self.convs) - 1
        for index, conv in enumerate(self.convs):
            if index >= 2 and index % 2 == 0:
                x = F.interpolate(x, scale_factor=2, mode='bilinear',
                                  align_corners=False)
            x = conv(x)
            if index < last:
                x = F.relu(x, inplace=True)
        return x


LSBDecoder = register_former_name(MODELS, 'LSBDecoder', TwelveConvDecoder)
