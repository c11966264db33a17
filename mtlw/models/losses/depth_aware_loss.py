"""The depth-aware loss L_DA of the synergy network (Jiao et al. 2018)."""
from typing import Dict, Optional, Tuple

import torch
from torch import Tensor, nn

from mtlw.registry import MODELS
from ..utils.masked_mean import masked_mean


def depth_aware_error(pred: Tensor, target: Tensor,
                      valid: Optional[Tensor] = None) -> Tensor:
    """``mean_valid (alpha_D + lambda_D) |d - d*|``.

    - ``alpha_D = d* / max d*``, the maximum over the valid pixels of the
      batch (detached: it only depends on the ground truth), so distant
      pixels weigh more;
    - ``lambda_D = 1 - min(l, l*) / max(l, l*)`` with ``l = log(1 + d)``,
      ``l* = log(1 + d*)``: 0 where the prediction is right, growing with
      the log ratio. It keeps the graph of ``d``, as in the formula.

    The paper writes ``log d``; ``log(1 + d)`` is used so that ``lambda_D``
    stays in ``[0, 1)`` for depths below 1 m too, where ``log d <= 0``
    makes the ratio change sign or divide by zero. For the metres of
    indoor and street scenes the two are close. Predictions below 0 enter
    the logarithm as 0.

    Args:
        pred (Tensor): (B, 1, H, W) predicted depth in metres.
        target (Tensor): (B, 1, H, W) ground truth, 0 where invalid.
        valid (Tensor, optional): Bool mask; defaults to ``target > 0``.

    Returns:
        Tensor: A scalar; 0 with the graph of ``pred`` without a valid
        pixel.
    """
    if pred.shape != target.shape:
        raise ValueError(f'depth prediction {tuple(pred.shape)} and target '
                         f'{tuple(target.shape)} differ in shape')
    if valid is None:
        valid = target > 0
    target = torch.where(valid, target, torch.zeros_like(target))
    alpha = target / target.amax().clamp(min=1e-12)
    log_pred = pred.clamp(min=0).log1p()
    log_target = target.log1p()
    ratio = torch.minimum(log_pred, log_target) / torch.maximum(
        log_pred, log_target).clamp(min=1e-12)
    weight = alpha + 1 - ratio
    return masked_mean(weight * (pred - target).abs(), valid)


@MODELS.register_module()
class DepthAwareLoss(nn.Module):
    """Depth-aware loss ``L_DA`` (Jiao et al., "Look Deeper into Depth",
    ECCV 2018), the depth part of their attention-driven loss.

    ``L_DA = mean (alpha_D + lambda_D) |d - d*|`` over the valid pixels
    (:func:`depth_aware_error`): ``alpha_D`` (normalised ground-truth depth)
    draws attention to the long tail of distant pixels, ``lambda_D`` (a log
    ratio of prediction and ground truth) to the pixels predicted worst.
    Needs depth in metres.
    """

    #: The loss reads logarithms of depth: it needs metric predictions.
    needs_metric_depth = True

    @property
    def loss_names(self) -> Tuple[str, ...]:
        """The key of the returned term."""
        return ('loss_da', )

    def forward(self, pred: Tensor, target: Tensor,
                valid: Optional[Tensor] = None) -> Dict[str, Tensor]:
        """The term for (B, 1, H, W) depths; ``target`` 0 where invalid."""
        return {self.loss_names[0]: depth_aware_error(pred, target, valid)}
