"""Loss Scale Balancing: equal weighted loss scales, tilted to hard tasks."""
from typing import Dict, List, Optional, Tuple

import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .utils.checks import check_number, check_number_dict
from .periodic import PeriodicWeighter
from .utils.safe_math import safe_div


def lsb_weights(weights: Tensor, means: Tensor, priorities: Tensor,
                prev_means: Tensor, prev_scale: Tensor,
                beta: Tensor) -> Tuple[Tensor, Tensor]:
    """The weights of period ``e+1`` from the period means of period ``e``.

    1. Overall loss scale ``Lbar(e) = sum_i w_i(e) Lbar_i(e)``.
    2. Balancing: ``w_i = pi_i Lbar(e) / Lbar_i(e)``, so every weighted loss
       scale ``w_i Lbar_i(e)`` equals ``pi_i Lbar(e)``.
    3. Difficulty: ``d_i = [(Lbar_i(e) / Lbar_i(e-1)) /
       (Lbar(e) / Lbar(e-1))]^beta`` and ``w_i <- w_i d_i / mean_j d_j``.
       Pass ``beta = 0`` when there is no period ``e-1`` yet (``d_i = 1``).

    A loss with a zero period mean keeps its weight; a zero previous mean
    gives ``d_i = 1``.

    Args:
        weights (Tensor): (K,) weights used during period e.
        means (Tensor): (K,) period means ``Lbar_i(e)``.
        priorities (Tensor): (K,) priority factors ``pi_i``.
        prev_means (Tensor): (K,) period means ``Lbar_i(e-1)``.
        prev_scale (Tensor): Scalar ``Lbar(e-1)``.
        beta (Tensor): Scalar exponent of the difficulty term.

    Returns:
        tuple[Tensor, Tensor]: The (K,) weights for period e+1 and the scalar
        ``Lbar(e)``.
    """
    scale = (weights * means).sum()
    balanced = torch.where(means > 0, safe_div(priorities * scale, means),
                           weights)
    progress = safe_div(means, prev_means, fallback=1.0)
    overall = safe_div(scale, prev_scale, fallback=1.0)
    difficulty = safe_div(progress, overall, fallback=1.0) ** beta
    return balanced * difficulty / difficulty.mean(), scale


@WEIGHTERS.register_module()
class LossScaleBalancing(PeriodicWeighter):
    """Loss Scale Balancing (Lee, Lee, Kim, "Learning Multiple Pixelwise
    Tasks Based on Loss Scale Balancing", ICCV 2021).

    Periodic (one period = one epoch in the paper). The weights start at the
    priority factors ``pi_i``. At the end of period ``e``, from the period
    means ``Lbar_i(e)`` of the observed, unweighted losses (see
    :func:`lsb_weights`):

    - balancing: ``w_i(e+1) = pi_i Lbar(e) / Lbar_i(e)`` with
      ``Lbar(e) = sum_i w_i(e) Lbar_i(e)``, so each weighted loss scale
      becomes ``pi_i Lbar(e)``;
    - difficulty, from the second period on:
      ``d_i = [(Lbar_i(e)/Lbar_i(e-1)) / (Lbar(e)/Lbar(e-1))]^beta`` and
      ``w_i <- w_i d_i / mean_j d_j``: a loss that falls more slowly than the
      overall loss scale gets more weight.

    ``beta`` starts at 0 and rises by ``beta_rate`` per period: the update at
    the end of period ``e`` (counted from 1) uses ``beta = beta_rate (e-1)``.
    The paper's rates: 0.02 (NYUv2, MobileNetV2; the default), 0.05 (NYUv2,
    PNASNet), 0.5 (Taskonomy).

    The authors' repository holds no code; this is our reading of the paper
    and its supplement (in particular the timing of ``beta`` above).

    Args:
        priorities (dict[str, float], optional): ``pi_i`` of every loss by
            name. Defaults to ``1/K`` each (the paper's equal start).
        beta_rate (float): Increase of ``beta`` per period. Defaults to 0.02.
        period (int, optional): Period in iterations; defaults to one epoch.
            See :class:`PeriodicWeighter`.
        nonfinite (str): See :class:`BaseWeighter`.
    """

    def __init__(self, priorities: Optional[Dict[str, float]] = None,
                 beta_rate: float = 0.02, period: Optional[int] = None,
                 nonfinite: str = 'raise') -> None:
        super().__init__(period=period, nonfinite=nonfinite)
        self.priorities = None if priorities is None else check_number_dict(
            'LossScaleBalancing', 'priorities', priorities, low=0.0,
            positive_sum=True)
        self.beta_rate = check_number('LossScaleBalancing', 'beta_rate',
                                      beta_rate, low=0.0)

    def validate_names(self, names: List[str]) -> None:
        if self.priorities is None:
            return
        missing = sorted(set(names) - set(self.priorities))
        unused = sorted(set(self.priorities) - set(names))
        if missing or unused:
            raise KeyError(
                f'LossScaleBalancing priorities do not match the model '
                f'losses: losses without a priority {missing}, priorities '
                f'without a loss {unused}; the model returns {names}')

    def init_state(self, num_losses: int) -> None:
        super().init_state(num_losses)
        device = self.step.device
        if self.priorities is None:
            pi = torch.full((num_losses,), 1.0 / num_losses)
        else:
            pi = torch.tensor([float(self.priorities[name])
                               for name in self.loss_names])
        self.register_buffer('pi', pi.to(device), persistent=False)
        self.register_buffer('lsb_weights', pi.clone().to(device))
        self.register_buffer('prev_means',
                             torch.zeros(num_losses, device=device))
        self.register_buffer('prev_scale', torch.zeros((), device=device))

    def weigh(self, losses: Tensor, observed: Tensor) -> Tuple[Tensor, Tensor]:
        weights = self.lsb_weights.clone()
        if self.training:
            ended, means = self.accumulate(observed)
            # periods_done now counts period e, the one that just ended;
            # beta = 0 at e = 1, where there is no period e - 1 yet.
            beta = self.beta_rate * (self.periods_done - 1).clamp(min=0).to(
                means.dtype)
            new_weights, scale = lsb_weights(weights, means, self.pi,
                                             self.prev_means, self.prev_scale,
                                             beta)
            self.lsb_weights.copy_(torch.where(ended, new_weights, weights))
            self.prev_means.copy_(torch.where(ended, means, self.prev_means))
            self.prev_scale.copy_(torch.where(ended, scale, self.prev_scale))
        return (weights * losses).sum(), weights

    def extra_repr(self) -> str:
        return (f'priorities={self.priorities}, beta_rate={self.beta_rate}, '
                + super().extra_repr())
