"""Joint gradient loss L_JG: match the spatial gradients of depth maps."""
from typing import Dict, Optional, Tuple

from torch import Tensor, nn

from mtlw.registry import MODELS
from ..utils.masked_mean import masked_mean


def joint_gradient_error(pred: Tensor, target: Tensor,
                         valid: Optional[Tensor] = None) -> Tensor:
    """``mean |dx d - dx d*| + mean |dy d - dy d*|`` over valid pairs.

    ``dx d`` is the forward difference ``d(x + 1, y) - d(x, y)`` (``dy``
    likewise); a difference counts where both of its pixels are valid. Each
    direction is averaged over its own valid pairs.

    Args:
        pred (Tensor): (B, C, H, W) prediction.
        target (Tensor): Ground truth, same shape.
        valid (Tensor, optional): Bool mask; defaults to ``target > 0``.

    Returns:
        Tensor: A scalar; 0 with the graph of ``pred`` without a valid pair.
    """
    if pred.shape != target.shape:
        raise ValueError(f'prediction {tuple(pred.shape)} and target '
                         f'{tuple(target.shape)} differ in shape')
    if valid is None:
        valid = target > 0
    residual = pred - target
    dx = residual[..., :, 1:] - residual[..., :, :-1]
    dy = residual[..., 1:, :] - residual[..., :-1, :]
    valid_x = valid[..., :, 1:] & valid[..., :, :-1]
    valid_y = valid[..., 1:, :] & valid[..., :-1, :]
    return masked_mean(dx.abs(), valid_x) + masked_mean(dy.abs(), valid_y)


@MODELS.register_module()
class JointGradientLoss(nn.Module):
    """Joint gradient loss ``L_JG`` (Jiao et al., ECCV 2018).

    ``L_JG = mean |dx d - dx d*| + mean |dy d - dy d*|``: the first-order
    horizontal and vertical differences of the predicted depth should match
    those of the ground truth (:func:`joint_gradient_error`), which keeps
    depth edges sharp. This is our reading of the paper's term (forward
    differences, L1, over pairs of valid pixels). It is linear in the depth,
    so it also works on normalised depth.
    """

    @property
    def loss_names(self) -> Tuple[str, ...]:
        """The key of the returned term."""
        return ('loss_jg', )

    def forward(self, pred: Tensor, target: Tensor,
                valid: Optional[Tensor] = None) -> Dict[str, Tensor]:
        """The term for (B, C, H, W) maps; ``target`` 0 where invalid."""
        return {self.loss_names[0]: joint_gradient_error(pred, target, valid)}
