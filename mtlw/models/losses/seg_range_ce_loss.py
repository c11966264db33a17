"""Segmentation loss of Loss Scale Balancing: CE + logit range term."""
from typing import Dict

import torch.nn.functional as F
from torch import Tensor, nn

from mtlw.registry import MODELS
from ..utils.masked_mean import masked_mean


def pixel_cross_entropy(logits: Tensor, labels: Tensor,
                        ignore_index: int = 255) -> Tensor:
    """Mean softmax cross-entropy over the labelled pixels (0 if none).

    Args:
        logits (Tensor): (B, C, H, W).
        labels (Tensor): (B, H, W) class indices; ``ignore_index`` skipped.
        ignore_index (int): Label of unlabelled pixels.

    Returns:
        Tensor: A scalar.
    """
    ce = F.cross_entropy(logits, labels.long(), ignore_index=ignore_index,
                         reduction='none')
    return masked_mean(ce, labels != ignore_index)


def logit_range_penalty(logits: Tensor, limit: float) -> Tensor:
    """``mean_xy sum_c (max(|f_xy(c)|, limit) - limit)`` of (B, C, H, W)."""
    return F.relu(logits.abs() - limit).sum(1).mean()


@MODELS.register_module()
class SegRangeCELoss(nn.Module):
    """Segmentation loss of Loss Scale Balancing (Lee, Lee, Kim, ICCV 2021,
    supplement eqs. 7-8), as two named terms.

    - ``loss_ce``: mean cross-entropy between the one-hot labels and the
      softmax of the decoder output ``F^`` over the labelled pixels;
    - ``loss_range``: ``r_S = mean_xy sum_c (max(|f_xy(c)|, f_max) - f_max)``
      over all pixels, which bounds the logits.

    Args:
        f_max (float): Logit bound. Defaults to 10 (the paper).
        ignore_index (int): Label of unlabelled pixels. Defaults to 255.
    """

    #: The keys of the returned terms, in order.
    loss_names = ('loss_ce', 'loss_range')

    def __init__(self, f_max: float = 10.0, ignore_index: int = 255) -> None:
        super().__init__()
        if f_max < 0:
            raise ValueError(f'f_max must be >= 0, got {f_max}')
        self.f_max = f_max
        self.ignore_index = ignore_index

    def forward(self, pred: Tensor, target: Tensor) -> Dict[str, Tensor]:
        """Terms for (B, C, H, W) logits and (B, H, W) labels."""
        return dict(zip(self.loss_names, (
            pixel_cross_entropy(pred, target, self.ignore_index),
            logit_range_penalty(pred, self.f_max))))

    def extra_repr(self) -> str:
        return f'f_max={self.f_max}, ignore_index={self.ignore_index}'
