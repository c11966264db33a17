"""Scale-invariant logarithmic depth loss, averaged over labelled images."""
from typing import Dict, Optional, Tuple

import torch
from torch import Tensor, nn

from mtlw.registry import MODELS


def silog_error(pred: Tensor, target: Tensor, valid: Optional[Tensor] = None,
                variance_focus: float = 0.85, eps: float = 1e-3) -> Tensor:
    """``mean_images sqrt(mean(g^2) - lambda mean(g)^2)``, ``g = log(p / t)``.

    The per-image value is Eigen et al.'s (NeurIPS 2014) scale-invariant
    error; ``lambda = 1`` makes it fully scale invariant (the KITTI
    ``silog`` metric is 100 times that), ``lambda = 0`` the RMSE of
    logarithms. Images without a valid pixel are left out of the mean, and
    the square root is taken of a value floored at ``eps**2``, so neither an
    unlabelled image nor a perfect prediction makes the gradient NaN.

    Args:
        pred (Tensor): (B, 1, H, W) predicted depth; clamped at ``eps``
            inside the logarithm.
        target (Tensor): (B, 1, H, W) ground truth.
        valid (Tensor, optional): Bool mask; defaults to ``target > 0``.
        variance_focus (float): ``lambda`` in [0, 1].
        eps (float): Depth floor in the logarithm and floor of the root.

    Returns:
        Tensor: A scalar; 0 with the graph of ``pred`` if no image has a
        valid pixel.
    """
    if pred.shape != target.shape or pred.dim() != 4:
        raise ValueError(f'silog_error expects (B, 1, H, W) maps of one '
                         f'shape, got {tuple(pred.shape)} and '
                         f'{tuple(target.shape)}')
    if valid is None:
        valid = target > 0
    valid = valid.float()
    safe_target = torch.where(valid > 0, target, torch.ones_like(target))
    log_diff = (pred.clamp(min=eps).log() - safe_target.log()) * valid
    count = valid.sum(dim=(1, 2, 3))
    labelled = count > 0
    count = count.clamp(min=1)
    mean = log_diff.sum(dim=(1, 2, 3)) / count
    mean_sq = (log_diff ** 2).sum(dim=(1, 2, 3)) / count
    per_image = (mean_sq - variance_focus * mean ** 2).clamp(
        min=eps ** 2).sqrt()
    per_image = per_image * labelled
    return per_image.sum() / labelled.sum().clamp(min=1)


@MODELS.register_module()
class DepthSILogLoss(nn.Module):
    """Scale-invariant logarithmic depth loss (Eigen et al., NeurIPS 2014).

    ``loss = mean over labelled images of sqrt(mean(g^2) - lambda
    mean(g)^2)`` with ``g = log d^ - log d`` over the valid pixels
    (:func:`silog_error`). mmseg's ``SiLogLoss`` fixes ``lambda = 0.5``,
    averages over all images (an unlabelled one counts as 0) and takes the
    root of exactly 0 for it, whose gradient is NaN; this loss is safe for
    partially labelled batches. It needs depth in metres (a positive map),
    not a normalised one.

    Args:
        variance_focus (float): ``lambda``. Defaults to 0.85 (the common
            training choice, e.g. BTS); 1 is the KITTI ``silog`` metric.
        eps (float): Depth floor in the logarithm. Defaults to 1e-3.
    """

    #: The loss reads logarithms of depth: it needs metric predictions.
    needs_metric_depth = True

    def __init__(self, variance_focus: float = 0.85,
                 eps: float = 1e-3) -> None:
        super().__init__()
        if not 0 <= variance_focus <= 1:
            raise ValueError(f'variance_focus must be in [0, 1], got '
                             f'{variance_focus}')
        self.variance_focus = variance_focus
        self.eps = eps

    @property
    def loss_names(self) -> Tuple[str, ...]:
        """The key of the returned term."""
        return ('loss_silog', )

    def forward(self, pred: Tensor, target: Tensor,
                valid: Optional[Tensor] = None) -> Dict[str, Tensor]:
        """The term for (B, 1, H, W) depths; ``target`` 0 where invalid."""
        return {self.loss_names[0]: silog_error(
            pred, target, valid, self.variance_focus, self.eps)}

    def extra_repr(self) -> str:
        return f'variance_focus={self.variance_focus}, eps={self.eps}'
