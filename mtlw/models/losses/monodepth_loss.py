"""The 32 unweighted losses of unsupervised stereo depth (monodepth)."""
from collections import OrderedDict
from typing import Dict, List, Sequence

import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from mtlw.registry import MODELS
from .photometric import (check_padding_mode, edge_aware_smoothness,
                          ssim_dissimilarity, warp_left_to_right,
                          warp_right_to_left)

TERMS = ('l1', 'ssim', 'lr', 'smooth')
SIDES = ('l', 'r')


def _resize(image: Tensor, size: Sequence[int]) -> Tensor:
    """Area-downsample ``image`` to ``size`` (a no-op at the same size)."""
    if tuple(image.shape[-2:]) == tuple(size):
        return image
    return F.interpolate(image, size=tuple(size), mode='area')


def monodepth_loss_names(num_scales: int) -> List[str]:
    """``loss_{term}_s{scale}_{side}`` for every term, scale and side."""
    return [f'loss_{term}_s{scale}_{side}' for term in TERMS
            for scale in range(num_scales) for side in SIDES]


@MODELS.register_module()
class MonodepthLoss(nn.Module):
    """Unsupervised stereo losses of Godard et al. (CVPR 2017), unweighted.

    The CoV-Weighting paper (Groenendijk et al., WACV 2021, supplement
    section 1.1) weighs these 4 terms x 2 views x 4 scales = 32 losses. At
    scale ``s`` the images are area-downsampled to the size of the disparity
    ``disps[s]`` (channel 0: left disparity ``d_l``, channel 1: right
    disparity ``d_r``, fractions of the image width) and, per view:

    - views: ``I_l_hat = I_r(x - d_l)``, ``I_r_hat = I_l(x + d_r)``
      (bilinear; outside the image, zeros as in Godard's and the
      CoV-Weighting authors' samplers, or the edge pixel with
      ``padding_mode='border'``, see
      :func:`~mtlw.models.losses.photometric.shift_horizontally`);
    - ``l1``: ``mean|I - I_hat|``;
    - ``ssim``: ``mean clip((1 - SSIM(I, I_hat)) / 2, 0, 1)``, 3x3 windows;
    - ``lr``: ``mean|d_l - d_r(x - d_l)|`` and ``mean|d_r - d_l(x + d_r)|``;
    - ``smooth``: edge-aware disparity smoothness divided by ``2^s``
      (:func:`~mtlw.models.losses.photometric.edge_aware_smoothness`).

    The weights (e.g. hand-tuned 0.85 SSIM + 0.15 L1, LR 1, smoothness 0.1)
    belong to the model's weighter, not to this module.

    Args:
        num_scales (int): Number of disparity scales (4 in the paper; 1 for
            the single-scale decoder of the supplement). Defaults to 4.
        padding_mode (str): What warped samples outside the image read:
            ``'zeros'`` (the papers) or ``'border'``. Defaults to
            ``'zeros'``.

    Returns (of ``forward``):
        dict[str, Tensor]: Scalar losses named ``loss_{l1,ssim,lr,smooth}_
        s{scale}_{l,r}`` in the order of :func:`monodepth_loss_names`.
    """

    def __init__(self, num_scales: int = 4,
                 padding_mode: str = 'zeros') -> None:
        super().__init__()
        if num_scales < 1:
            raise ValueError(f'num_scales must be >= 1, got {num_scales}')
        self.num_scales = num_scales
        self.padding_mode = check_padding_mode(padding_mode)

    @property
    def loss_names(self) -> List[str]:
        """Names of the returned losses, in order."""
        return monodepth_loss_names(self.num_scales)

    def forward(self, left: Tensor, right: Tensor,
                disps: Sequence[Tensor]) -> Dict[str, Tensor]:
        """Compute all losses.

        Args:
            left (Tensor): (B, 3, H, W) left view in [0, 1].
            right (Tensor): (B, 3, H, W) right view in [0, 1].
            disps (Sequence[Tensor]): ``num_scales`` tensors (B, 2, h_s,
                w_s), finest first.

        Returns:
            dict[str, Tensor]: The unweighted losses.
        """
        if len(disps) != self.num_scales:
            raise ValueError(f'MonodepthLoss(num_scales={self.num_scales}) '
                             f'got {len(disps)} disparity scales')
        if left.shape != right.shape:
            raise ValueError(f'left {tuple(left.shape)} and right '
                             f'{tuple(right.shape)} views differ in shape')
        terms = {}
        for scale, disp in enumerate(disps):
            if disp.dim() != 4 or disp.shape[1] != 2:
                raise ValueError(f'disparity at scale {scale} must be '
                                 f'(B, 2, h, w), got {tuple(disp.shape)}')
            size = disp.shape[-2:]
            terms.update(self.scale_losses(
                scale, _resize(left, size), _resize(right, size),
                disp[:, :1], disp[:, 1:]))
        return OrderedDict((name, terms[name]) for name in self.loss_names)

    def scale_losses(self, scale: int, left: Tensor, right: Tensor,
                     disp_left: Tensor, disp_right: Tensor
                     ) -> Dict[str, Tensor]:
        """The 8 losses of one scale (images already at its size)."""
        pad = self.padding_mode
        views = dict(l=(left, warp_right_to_left(right, disp_left, pad),
                        disp_left,
                        warp_right_to_left(disp_right, disp_left, pad)),
                     r=(right, warp_left_to_right(left, disp_right, pad),
                        disp_right,
                        warp_left_to_right(disp_left, disp_right, pad)))
        losses = {}
        for side, (image, estimate, disp, other_disp) in views.items():
            suffix = f's{scale}_{side}'
            losses[f'loss_l1_{suffix}'] = (image - estimate).abs().mean()
            losses[f'loss_ssim_{suffix}'] = ssim_dissimilarity(
                image, estimate).mean()
            losses[f'loss_lr_{suffix}'] = (disp - other_disp).abs().mean()
            losses[f'loss_smooth_{suffix}'] = edge_aware_smoothness(
                disp, image) / 2 ** scale
        return losses
