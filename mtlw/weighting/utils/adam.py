"""The Adam update that weighting rules with their own optimiser share."""
from typing import Tuple

from torch import Tensor

ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8


def adam_step(param: Tensor, grad: Tensor, exp_avg: Tensor,
              exp_avg_sq: Tensor, step: Tensor,
              lr: float) -> Tuple[Tensor, Tensor, Tensor]:
    """One Adam step (betas 0.9, 0.999, eps 1e-8, as ``torch.optim.Adam``).

    Args:
        param (Tensor): The values to update.
        grad (Tensor): Their gradient.
        exp_avg (Tensor): First moment before the step.
        exp_avg_sq (Tensor): Second moment before the step.
        step (Tensor): Number of this step, counting from 1.
        lr (float): Learning rate.

    Returns:
        tuple[Tensor, Tensor, Tensor]: The new values, first and second
        moments.
    """
    beta1, beta2 = ADAM_BETAS
    exp_avg = beta1 * exp_avg + (1 - beta1) * grad
    exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * grad * grad
    bias1 = 1 - beta1**step
    bias2 = 1 - beta2**step
    denominator = exp_avg_sq.sqrt() / bias2.sqrt() + ADAM_EPS
    return param - lr / bias1 * exp_avg / denominator, exp_avg, exp_avg_sq
