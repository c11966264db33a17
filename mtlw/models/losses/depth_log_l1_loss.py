"""Depth loss of Loss Scale Balancing: L1 of logarithms + range terms."""
from typing import Dict, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from mtlw.registry import MODELS
from ..utils.masked_mean import masked_mean


def log_l1_error(pred: Tensor, target: Tensor, floor: float,
                 valid: Optional[Tensor] = None) -> Tensor:
    """``mean |log max(pred, floor) - log target|`` over the valid pixels.

    Args:
        pred (Tensor): Predicted depth, (B, 1, H, W).
        target (Tensor): Ground-truth depth, same shape.
        floor (float): Predictions below it enter the logarithm as ``floor``
            (the lower range term drives them up).
        valid (Tensor, optional): Bool mask; defaults to ``target > 0``.

    Returns:
        Tensor: A scalar.
    """
    if valid is None:
        valid = target > 0
    log_target = torch.where(valid, target, torch.ones_like(target)).log()
    return masked_mean((pred.clamp(min=floor).log() - log_target).abs(), valid)


def range_penalties(pred: Tensor, low: float,
                    high: float) -> Tuple[Tensor, Tensor]:
    """Mean distance of ``pred`` below ``low`` and above ``high``.

    ``r_min = mean |min(pred, low) - low|`` and
    ``r_max = mean |max(pred, high) - high|`` over all pixels.

    Returns:
        tuple[Tensor, Tensor]: ``(r_min, r_max)``.
    """
    return F.relu(low - pred).mean(), F.relu(pred - high).mean()


@MODELS.register_module()
class DepthLogL1Loss(nn.Module):
    """Depth loss of Loss Scale Balancing (Lee, Lee, Kim, ICCV 2021,
    supplement eqs. 2-4), as three named terms.

    With ``D`` the ground truth, ``D^`` the estimate and the dataset's depth
    range ``[d_min, d_max]``:

    - ``loss_log_l1``: ``mean |log D^ - log D|`` over the pixels with
      ``D > 0`` (all of them in the paper's filled NYUv2 maps). ``D^`` is
      clamped at ``d_min`` inside the logarithm, so the term is defined for
      any output; below ``d_min`` only ``loss_range_min`` acts.
    - ``loss_range_min``: ``r_min = mean |min(D^, d_min) - d_min|``;
    - ``loss_range_max``: ``r_max = mean |max(D^, d_max) - d_max|``, over all
      pixels. The supplement's eq. 4 writes the ground truth ``D`` here; a
      range term on the ground truth has no gradient, so it is read as one
      on the estimate, like eq. 3.

    Args:
        depth_range (tuple[float, float]): ``(d_min, d_max)`` in metres.
            Defaults to ``(0.5, 10.0)`` (NYUv2's Kinect range).
    """

    #: The keys of the returned terms, in order.
    loss_names = ('loss_log_l1', 'loss_range_min', 'loss_range_max')

    def __init__(self, depth_range: Tuple[float, float] = (0.5, 10.0)) -> None:
        super().__init__()
        low, high = depth_range
        if not 0 < low < high:
            raise ValueError(f'depth_range must satisfy 0 < d_min < d_max, '
                             f'got {tuple(depth_range)}')
        self.depth_range = (float(low), float(high))

    def forward(self, pred: Tensor, target: Tensor) -> Dict[str, Tensor]:
        """Terms for (B, 1, H, W) depths; ``target`` 0 where invalid."""
        low, high = self.depth_range
        r_min, r_max = range_penalties(pred, low, high)
        return dict(zip(self.loss_names,
                        (log_l1_error(pred, target, low), r_min, r_max)))

    def extra_repr(self) -> str:
        return f'depth_range={self.depth_range}'
