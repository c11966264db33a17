"""Surface-normal loss of Loss Scale Balancing: 1 - cos + unit length."""
from typing import Dict, Optional

from torch import Tensor, nn

from mtlw.registry import MODELS
from ..utils.masked_mean import masked_mean


def valid_normals(target: Tensor) -> Tensor:
    """(B, 1, H, W) mask of the pixels whose ground truth is not zero."""
    return target.abs().sum(1, keepdim=True) > 0


def cosine_error(pred: Tensor, target: Tensor,
                 valid: Optional[Tensor] = None) -> Tensor:
    """``mean (1 - n . n^)`` over the valid pixels; ``n^`` is NOT normalised.

    Args:
        pred (Tensor): Estimated normals, (B, 3, H, W).
        target (Tensor): Unit ground-truth normals, same shape.
        valid (Tensor, optional): (B, 1, H, W) bool; defaults to
            :func:`valid_normals`.

    Returns:
        Tensor: A scalar.
    """
    if valid is None:
        valid = valid_normals(target)
    return masked_mean(1 - (pred * target).sum(1, keepdim=True), valid)


def unit_length_penalty(pred: Tensor,
                        valid: Optional[Tensor] = None) -> Tensor:
    """``mean | ||n^|| - 1 |`` of (B, 3, H, W) normals over the valid
    pixels ((B, 1, H, W) bool; every pixel if None)."""
    return masked_mean((pred.norm(dim=1, keepdim=True) - 1).abs(), valid)


@MODELS.register_module()
class NormalCosineLoss(nn.Module):
    """Normal loss of Loss Scale Balancing (Lee, Lee, Kim, ICCV 2021,
    supplement eqs. 5-6), as two named terms.

    - ``loss_cos``: ``1 - mean_xy n_xy . n^_xy``;
    - ``loss_unit``: ``r_N = mean_xy | ||n^_xy|| - 1 |``, which keeps the
      unnormalised estimate at unit length (without it the dot product
      would grow without bound).

    Both average over the pixels with a ground-truth normal (zero vectors
    mark invalid pixels; the paper's filled NYUv2 maps have none, so this is
    its ``1 / wh``). Over different pixel sets the cosine term would
    outweigh the unit term on the valid pixels and drive ``||n^||`` up
    without bound.
    """

    #: The keys of the returned terms, in order.
    loss_names = ('loss_cos', 'loss_unit')

    def forward(self, pred: Tensor, target: Tensor) -> Dict[str, Tensor]:
        """Terms for (B, 3, H, W) normals."""
        valid = valid_normals(target)
        return dict(zip(self.loss_names, (cosine_error(pred, target, valid),
                                          unit_length_penalty(pred, valid))))
