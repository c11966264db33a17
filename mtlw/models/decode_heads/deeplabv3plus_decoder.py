"""The DeepLabV3+ decoder with the stride-4 skip (Argenziano and Pagani)."""
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import Tensor, nn

from mtlw.registry import MODELS
from .aspp import se_layer


@MODELS.register_module()
class DeepLabV3PlusDecoder(BaseModule):
    """DeepLabV3+ decoder (Chen et al., ECCV 2018) as in Argenziano and
    Pagani, "Multi-Task Learning for Semantics and Depth" (course report,
    2022).

    With a skip: the input (ASPP output, ``in_channels``) is upsampled
    bilinearly to the skip's size, the skip (encoder features at stride 4,
    ``skip_in_channels``) is reduced by a 1x1 conv to ``skip_channels``
    (48), both are concatenated and pass two 3x3 convs to ``channels``;
    a 1x1 conv gives the ``out_channels`` predictions. Without a skip
    (``skip_in_channels=None``, the second decoders of the distilled net)
    the input passes the two 3x3 convs directly. Convs have BN and ReLU.
    With ``se`` a squeeze-and-excitation block precedes the prediction
    conv (Argenziano and Pagani, section 4.1).

    Args:
        in_channels (int): Channels of the input features.
        out_channels (int): Channels of the predictions.
        skip_in_channels (int, optional): Channels of the skip features;
            None for a decoder without skip.
        channels (int): Width of the 3x3 convs. Defaults to 256.
        skip_channels (int): Width of the reduced skip. Defaults to 48.
        se (bool): Add a squeeze-and-excitation block.
        norm_cfg (dict): Normalisation of the convs. Defaults to BN.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 skip_in_channels: Optional[int] = None, channels: int = 256,
                 skip_channels: int = 48, se: bool = False,
                 norm_cfg: dict = dict(type='BN')) -> None:
        super().__init__()
        self.skip = None
        fused = in_channels
        if skip_in_channels is not None:
            self.skip = ConvModule(skip_in_channels, skip_channels, 1,
                                   norm_cfg=norm_cfg)
            fused += skip_channels
        self.convs = nn.Sequential(
            ConvModule(fused, channels, 3, padding=1, norm_cfg=norm_cfg),
            ConvModule(channels, channels, 3, padding=1, norm_cfg=norm_cfg))
        self.se = se_layer(channels) if se else nn.Identity()
        self.predict = nn.Conv2d(channels, out_channels, 1)
        self.channels = channels
        self.out_channels = out_channels

    def forward(self, x: Tensor,
                skip: Optional[Tensor] = None) -> Tuple[Tensor, Tensor]:
        """Predictions and features (``channels``), at the skip's size.

        Args:
            x (Tensor): (B, in_channels, h, w) input features.
            skip (Tensor, optional): (B, skip_in_channels, H4, W4); required
                exactly when the decoder was built with a skip.

        Returns:
            tuple[Tensor, Tensor]: ``(B, out_channels, H4, W4)`` predictions
            and ``(B, channels, H4, W4)`` features.
        """
        if (skip is None) != (self.skip is None):
            raise ValueError('DeepLabV3PlusDecoder was built '
                             f"{'without' if self.skip is None else 'with'} "
                             'a skip connection; pass skip accordingly')
        if self.skip is not None:
            x = F.interpolate(x, size=skip.shape[-2:], mode='bilinear',
                              align_corners=False)
            x = torch.cat([x, self.skip(skip)], dim=1)
        features = self.se(self.convs(x))
        return self.predict(features), features
