"""Dynamic Weight Average: weights from the rate of loss descent."""
from typing import Optional, Tuple

import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .utils.checks import check_number, check_weight_sum, weight_sum
from .periodic import PeriodicWeighter
from .utils.safe_math import safe_div


def dwa_weights(last_means: Tensor, before_last_means: Tensor,
                temperature: float, total: Optional[float] = None) -> Tensor:
    """``w_i = K exp(r_i / T) / sum_j exp(r_j / T)``, ``r_i = Lbar_i(e-1) /
    Lbar_i(e-2)``.

    A ratio with a zero denominator is taken as 1 (no change).

    Args:
        last_means (Tensor): (K,) period means of the last period, e-1.
        before_last_means (Tensor): (K,) period means of period e-2.
        temperature (float): T.
        total (float, optional): The sum of the weights (``K`` in place of
            the factor ``K``). Defaults to None: ``K``.

    Returns:
        Tensor: (K,) weights summing to ``total`` (K by default).
    """
    ratio = safe_div(last_means, before_last_means, fallback=1.0)
    total = last_means.numel() if total is None else total
    return total * torch.softmax(ratio / temperature, dim=0)


@WEIGHTERS.register_module()
class DWA(PeriodicWeighter):
    """Dynamic Weight Average (Liu, Johns, Davison, "End-to-End Multi-Task
    Learning with Attention", CVPR 2019).

    With ``Lbar_i(e)`` the mean of the observed, unweighted loss ``i`` over
    period ``e``: ``w_i = 1`` during the first two periods, then
    ``w_i(e) = K exp(r_i / T) / sum_j exp(r_j / T)`` with
    ``r_i = Lbar_i(e-1) / Lbar_i(e-2)``. A loss that falls more slowly gets
    more weight. Weights are constant within a period;
    ``total = sum_i w_i L_i``.

    ``normalize_to='one'`` divides every weight by ``K``: ``1/K`` during the
    first two periods, then ``softmax(r / T)``. This is DWA as the Loss
    Scale Balancing study (Lee, Lee and Kim, "Learning Multiple Pixelwise
    Tasks Based on Loss Scale Balancing", ICCV 2021, supplement section 3)
    runs it: every rule starts from the equal weights ``1/K``, and DWA's
    start is said to be that equal weighting.

    Args:
        temperature (float): T; larger is softer. Defaults to 2 (the paper).
        period (int, optional): Period in iterations; defaults to one epoch
            (the paper). See :class:`PeriodicWeighter`.
        normalize_to (str): ``'num_losses'`` (weights sum to ``K``, the
            paper, default) or ``'one'`` (sum 1).
        nonfinite (str): See :class:`BaseWeighter`.
    """

    def __init__(self, temperature: float = 2.0, period: Optional[int] = None,
                 normalize_to: str = 'num_losses',
                 nonfinite: str = 'raise') -> None:
        super().__init__(period=period, nonfinite=nonfinite)
        self.temperature = check_number('DWA', 'temperature', temperature,
                                        low=0.0, low_open=True)
        self.normalize_to = check_weight_sum('DWA', normalize_to)

    def init_state(self, num_losses: int) -> None:
        super().init_state(num_losses)
        for name in ('last_means', 'before_last_means'):
            self.register_buffer(
                name, torch.zeros(num_losses, device=self.step.device))

    def weigh(self, losses: Tensor, observed: Tensor) -> Tuple[Tensor, Tensor]:
        total = weight_sum(self.normalize_to, observed.numel())
        weights = torch.where(
            self.periods_done >= 2,
            dwa_weights(self.last_means, self.before_last_means,
                        self.temperature, total),
            torch.full_like(observed, total / observed.numel()))
        if self.training:
            ended, means = self.accumulate(observed)
            self.before_last_means.copy_(
                torch.where(ended, self.last_means, self.before_last_means))
            self.last_means.copy_(torch.where(ended, means, self.last_means))
        return (weights * losses).sum(), weights

    def extra_repr(self) -> str:
        return (f'temperature={self.temperature}, '
                f'normalize_to={self.normalize_to!r}, ' + super().extra_repr())
