"""Atrous spatial pyramid pooling of DeepLabV3 / V3+ (Chen et al.)."""
from typing import Sequence

import torch
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmseg.models.decode_heads.aspp_head import ASPPModule
from mmseg.models.utils import SELayer
from torch import Tensor, nn

from mtlw.registry import MODELS

#: Squeeze-and-excitation gates as in Hu et al. (ReLU, then sigmoid).
SE_ACTIVATIONS = (dict(type='ReLU'), dict(type='Sigmoid'))


def se_layer(channels: int, ratio: int = 16) -> nn.Module:
    """A squeeze-and-excitation block with a sigmoid gate (mmseg SELayer)."""
    return SELayer(channels, ratio=ratio, act_cfg=SE_ACTIVATIONS)


@MODELS.register_module()
class ASPP(BaseModule):
    """Atrous spatial pyramid pooling (Chen et al. 2017) in the form of
    Argenziano and Pagani, "Multi-Task Learning for Semantics and Depth"
    (course report, 2022).

    Five parallel maps of ``channels`` each, concatenated and projected by a
    1x1 conv (BN, ReLU) back to ``channels``: a 1x1 conv, one 3x3 conv per
    rate in ``dilations`` (padding = rate, so the size is kept; mmseg's
    :class:`ASPPModule`) and image pooling (global average, 1x1 conv,
    bilinear upsampling). mmseg's ``ASPPHead`` projects with a 3x3 conv and
    is a full decode head; this is the bare block. Optionally a
    squeeze-and-excitation block follows (Argenziano and Pagani, section
    4.1).

    Args:
        in_channels (int): Channels of the encoder's output.
        channels (int): Channels of every branch and of the output.
            Defaults to 256.
        dilations (Sequence[int]): Rates of the 3x3 branches. Defaults to
            (3, 6, 9) (the report's, for output stride 16 on small images).
        se (bool): Add a squeeze-and-excitation block at the end.
        norm_cfg (dict): Normalisation of every conv. Defaults to BN.
    """

    def __init__(self, in_channels: int, channels: int = 256,
                 dilations: Sequence[int] = (3, 6, 9), se: bool = False,
                 norm_cfg: dict = dict(type='BN')) -> None:
        super().__init__()
        if any(rate < 1 for rate in dilations):
            raise ValueError(f'ASPP dilations must be >= 1, got {dilations}')
        self.branches = ASPPModule((1, ) + tuple(dilations), in_channels,
                                   channels, conv_cfg=None, norm_cfg=norm_cfg,
                                   act_cfg=dict(type='ReLU'))
        # No BN on the 1x1 map of the pooled vector: with batch size 1 its
        # statistics would be those of a single value.
        self.image_pool = ConvModule(in_channels, channels, 1,
                                     act_cfg=dict(type='ReLU'))
        self.project = ConvModule((len(dilations) + 2) * channels, channels,
                                  1, norm_cfg=norm_cfg,
                                  act_cfg=dict(type='ReLU'))
        self.se = se_layer(channels) if se else nn.Identity()
        self.out_channels = channels

    def forward(self, x: Tensor) -> Tensor:
        """(B, in_channels, h, w) -> (B, channels, h, w)."""
        pooled = self.image_pool(F.adaptive_avg_pool2d(x, 1))
        pooled = pooled.expand(-1, -1, *x.shape[-2:])
        return self.se(self.project(torch.cat(self.branches(x) + [pooled],
                                              dim=1)))
