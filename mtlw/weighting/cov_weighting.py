"""CoV-Weighting: weights from the coefficient of variation of loss ratios."""
from typing import Optional, Tuple

import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .base import BaseWeighter
from .utils.checks import check_number
from .utils.safe_math import normalize_sum, safe_div


def cov_weights(ratio_std: Tensor, ratio_mean: Tensor) -> Tensor:
    """``w = c / sum(c)`` with ``c = sigma_l / mu_l`` (Eq. 3 of the paper).

    A loss whose mean ratio is zero (a loss that has always been zero) gets
    ``c = 0``; if every ``c`` is zero the weights are uniform.

    Args:
        ratio_std (Tensor): (K,) standard deviations of the loss ratios.
        ratio_mean (Tensor): (K,) means of the loss ratios.

    Returns:
        Tensor: (K,) weights summing to 1.
    """
    return normalize_sum(safe_div(ratio_std, ratio_mean))


def welford_update(mean: Tensor, sum_sq: Tensor, value: Tensor,
                   keep: Tensor) -> Tuple[Tensor, Tensor]:
    """One step of Welford's online mean and sum of squared deviations.

    ``mean' = keep * mean + (1 - keep) * value`` and
    ``S' = S + (value - mean) * (value - mean')``. With ``keep = 1 - 1/(t+1)``
    this is the exact running mean and ``S' / (t+1)`` the population variance
    of the first ``t+1`` values; a fixed ``keep`` gives a decaying mean.

    Args:
        mean (Tensor): Mean before this value.
        sum_sq (Tensor): Sum of squared deviations before this value.
        value (Tensor): The new observation.
        keep (Tensor): The factor kept of the old mean.

    Returns:
        tuple[Tensor, Tensor]: The new mean and sum of squared deviations.
    """
    new_mean = keep * mean + (1 - keep) * value
    return new_mean, sum_sq + (value - mean) * (value - new_mean)


@WEIGHTERS.register_module()
class CoVWeighting(BaseWeighter):
    """CoV-Weighting (Groenendijk et al., "Multi-Loss Weighting with
    Coefficient of Variations", WACV 2021), as the authors' code computes it.

    With ``t`` the training step counted from 0 and ``L`` the observed
    losses:

    1. Loss ratio ``l = L / mu_L`` with ``mu_L`` the running mean of ``L``;
       at ``t = 0`` the reference is ``L(0)`` itself, so ``l(0) = 1``.
    2. Weights ``1/K`` for ``t <= 1``; afterwards ``c = sigma_l / mu_l`` from
       the statistics *before* this step's update and ``w = c / sum(c)``.
    3. Update (training only): mean factor ``m = 0`` at ``t = 0``, else
       ``mean_decay`` if given, else ``1 - 1/(t+1)``;
       ``mu_l <- m mu_l + (1-m) l``, ``S <- S + (l - mu_l,old)(l - mu_l,new)``,
       ``sigma_l = sqrt(S / (t+1) + 1e-8)`` (population variance, also with
       a decay), ``mu_L <- m mu_L + (1-m) L``.
    4. ``total = sum_i w_i L_i``.

    Zero losses: a ratio whose reference ``mu_L`` is 0 is defined as 0 (the
    loss has been zero so far), and ``c`` is 0 where ``mu_l`` is 0, so such a
    loss gets weight 0; if every ``c`` is 0 the weights are ``1/K``. Weights
    thus stay finite and sum to 1. Everything runs on the device.

    The paper found the full history (no decay) best; decays matching 20,
    100 or 1000 steps were no better.

    Args:
        mean_decay (float, optional): Fixed mean factor ``m`` in ``[0, 1)``
            for ``t > 0`` (e.g. 0.95 for a memory of about 20 steps).
            Defaults to None: the full history.
        nonfinite (str): See :class:`BaseWeighter`.
    """

    def __init__(self, mean_decay: Optional[float] = None,
                 nonfinite: str = 'raise') -> None:
        super().__init__(nonfinite=nonfinite)
        self.mean_decay = None if mean_decay is None else check_number(
            'CoVWeighting', 'mean_decay', mean_decay, low=0.0, high=1.0,
            high_open=True)

    def init_state(self, num_losses: int) -> None:
        for name in ('loss_mean', 'ratio_mean', 'ratio_sum_sq'):
            self.register_buffer(
                name, torch.zeros(num_losses, device=self.step.device))

    def weigh(self, losses: Tensor, observed: Tensor) -> Tuple[Tensor, Tensor]:
        t = self.step.to(observed.dtype)
        first = self.step == 0
        # Loss ratio l = L / mu_L, with L(0) as the reference at t = 0.
        reference = torch.where(first, observed, self.loss_mean)
        ratio = safe_div(observed, reference)
        # sigma_l as it stood after the update of step t - 1.
        ratio_std = torch.sqrt(self.ratio_sum_sq / t.clamp(min=1) + 1e-8)
        weights = torch.where(
            self.step <= 1, torch.full_like(observed, 1.0 / observed.numel()),
            cov_weights(ratio_std, self.ratio_mean))
        if self.training:
            self._update(observed, ratio, t, first)
        return (weights * losses).sum(), weights

    def _update(self, observed: Tensor, ratio: Tensor, t: Tensor,
                first: Tensor) -> None:
        """Welford update of the ratio and loss statistics, in place."""
        keep = 1 - 1 / (t + 1) if self.mean_decay is None \
            else torch.full_like(t, self.mean_decay)
        keep = torch.where(first, torch.zeros_like(keep), keep)
        ratio_mean, ratio_sum_sq = welford_update(
            self.ratio_mean, self.ratio_sum_sq, ratio, keep)
        self.ratio_mean.copy_(ratio_mean)
        self.ratio_sum_sq.copy_(ratio_sum_sq)
        self.loss_mean.mul_(keep).add_((1 - keep) * observed)

    def extra_repr(self) -> str:
        return f'mean_decay={self.mean_decay}, ' + super().extra_repr()
