"""Monodepth's disparity decoder (Godard et al., CVPR 2017)."""
from typing import List, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import Tensor

from mtlw.registry import MODELS

MAX_DISPARITY = 0.3  # heads output 0.3 * sigmoid, a fraction of the width


@MODELS.register_module()
class DisparityDecoder(BaseModule):
    """Upsampling decoder with skips and left/right disparity heads.

    The encoder gives ``n`` feature maps at strides ``2 .. 2^n`` (a ResNet:
    2, 4, 8, 16, 32). Level ``k`` (``k = n - 1 .. 0``, stride ``2^k``):

    - ``upconv{k+1}``: bilinear x2 upsampling, 3x3 conv, BN, ELU;
    - concatenation with the encoder feature of stride ``2^k`` (none at full
      resolution) and with the x2 upsampled disparity of level ``k + 1``
      when that level has a head;
    - ``iconv{k+1}``: 3x3 conv, BN, ELU;
    - on the ``num_scales`` finest levels a head ``disp{k+1}``: 3x3 conv to
      2 channels, ``0.3 * sigmoid`` (left and right disparity, fractions of
      the image width).

    Module names follow Godard's code: ``iconv4`` (stride 8) is the last
    layer shared by all four scales' losses, the layer the CoV-Weighting
    authors hand to GradNorm. The supplement of the CoV-Weighting paper uses
    one output scale and "two more convolutional layers" for its multi-task
    comparisons: ``num_scales=1, num_extra_convs=2`` adds ``extra_conv1``,
    ``extra_conv2`` (3x3 conv, BN, ELU) at full resolution before ``disp1``.

    Args:
        in_channels (Sequence[int]): Channels of the encoder features, finest
            (stride 2) first.
        channels (Sequence[int]): Width of each level, coarsest (stride
            ``2^(n-1)``) first; same length as ``in_channels``. Defaults to
            Godard's ``(256, 128, 64, 32, 16)``.
        num_scales (int): Number of finest levels with a head. Defaults to 4.
        num_extra_convs (int): Extra full-resolution convs. Defaults to 0.
        norm_cfg (dict): Normalisation layer. Defaults to BN.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self, in_channels: Sequence[int],
                 channels: Sequence[int] = (256, 128, 64, 32, 16),
                 num_scales: int = 4, num_extra_convs: int = 0,
                 norm_cfg: dict = dict(type='BN'),
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if len(channels) != len(in_channels):
            raise ValueError(f'DisparityDecoder needs one width per encoder '
                             f'feature: channels {tuple(channels)} vs '
                             f'in_channels {tuple(in_channels)}')
        if not 1 <= num_scales <= len(in_channels):
            raise ValueError(f'num_scales must be in [1, {len(in_channels)}], '
                             f'got {num_scales}')
        self.in_channels = list(in_channels)
        self.num_levels = len(in_channels)
        self.num_scales = num_scales
        self.num_extra_convs = num_extra_convs

        def conv(cin: int, cout: int) -> ConvModule:
            return ConvModule(cin, cout, 3, padding=1, norm_cfg=norm_cfg,
                              act_cfg=dict(type='ELU'))

        previous = in_channels[-1]
        for k in reversed(range(self.num_levels)):
            width = channels[self.num_levels - 1 - k]
            skip = in_channels[k - 1] if k > 0 else 0
            coarser_disp = 2 if k + 1 < num_scales else 0
            self.add_module(f'upconv{k + 1}', conv(previous, width))
            self.add_module(f'iconv{k + 1}',
                            conv(width + skip + coarser_disp, width))
            if k < num_scales:
                self.add_module(f'disp{k + 1}',
                                nn.Conv2d(width, 2, 3, padding=1))
            previous = width
        self.extra_convs = nn.Sequential(*[
            conv(previous, previous) for _ in range(num_extra_convs)])

    def forward(self, features: Sequence[Tensor]) -> List[Tensor]:
        """Decode encoder features into disparities.

        Args:
            features (Sequence[Tensor]): Encoder maps, finest first.

        Returns:
            list[Tensor]: ``num_scales`` (B, 2, H / 2^s, W / 2^s)
            disparities, finest first.
        """
        got = [f.shape[1] for f in features]
        if got != self.in_channels:
            raise ValueError(f'DisparityDecoder expects encoder channels '
                             f'{self.in_channels}, got {got}')
        x = features[-1]
        disps = []
        for k in reversed(range(self.num_levels)):
            x = getattr(self, f'upconv{k + 1}')(
                F.interpolate(x, scale_factor=2, mode='bilinear',
                              align_corners=False))
            parts = [x] + ([features[k - 1]] if k > 0 else [])
            if disps:
                parts.append(F.interpolate(disps[0], scale_factor=2,
                                           mode='bilinear',
                                           align_corners=False))
            x = getattr(self, f'iconv{k + 1}')(torch.cat(parts, 1))
            if k == 0:
                x = self.extra_convs(x)
            if k < self.num_scales:
                disps.insert(0, MAX_DISPARITY * torch.sigmoid(
                    getattr(self, f'disp{k + 1}')(x)))
        return disps
