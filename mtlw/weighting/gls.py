"""Geometric Loss Strategy: the geometric mean of the losses."""
from typing import Tuple

import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .base import BaseWeighter
from .utils.checks import check_number


def geometric_mean_loss(losses: Tensor,
                        eps: float = 1e-8) -> Tuple[Tensor, Tensor]:
    """``total = (prod_i L_i)^(1/K) = exp(mean_i log max(L_i, eps))``.

    Args:
        losses (Tensor): (K,) losses.
        eps (float): Floor for the losses, so a zero or negative loss gives a
            finite log. A floored loss gets no gradient.

    Returns:
        tuple[Tensor, Tensor]: The total with graph and the (K,) detached
        weights ``d total / d L_i = total / (K L_i)`` (0 for floored losses).
    """
    floored = losses.clamp(min=eps)
    total = torch.exp(torch.log(floored).mean())
    weights = total.detach() / (losses.numel() * floored.detach())
    weights = torch.where(losses.detach() > eps, weights,
                          torch.zeros_like(weights))
    return total, weights


@WEIGHTERS.register_module()
class GLS(BaseWeighter):
    """Geometric Loss Strategy (Chennupati et al., "MultiNet++: Multi-Stream
    Feature Aggregation and Geometric Loss Strategy for Multi-Task Learning",
    CVPR Workshops 2019).

    ``total = (prod_i L_i)^(1/K)``, computed as ``exp(mean_i log L_i)`` so a
    product of many small losses does not underflow. It has no state and no
    hyper-parameters; its gradient on ``L_i`` is ``total / (K L_i)``, which is
    what it reports as the weight of ``L_i``, so a smaller loss gets a larger
    weight. Losses at or below ``eps`` are floored at ``eps`` (and get weight
    0): the logarithm stays finite, but a single zero loss still pulls the
    total towards 0.

    Args:
        eps (float): Floor of the losses. Defaults to 1e-8.
        nonfinite (str): See :class:`BaseWeighter`.
    """

    def __init__(self, eps: float = 1e-8, nonfinite: str = 'raise') -> None:
        super().__init__(nonfinite=nonfinite)
        self.eps = check_number('GLS', 'eps', eps, low=0.0, low_open=True)

    def weigh(self, losses: Tensor, observed: Tensor) -> Tuple[Tensor, Tensor]:
        return geometric_mean_loss(losses, self.eps)

    def extra_repr(self) -> str:
        return f'eps={self.eps}, ' + super().extra_repr()
