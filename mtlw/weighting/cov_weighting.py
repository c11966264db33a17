"""CoV-Weighting: weights from the coefficient of variation of loss ratios."""
from typing import Optional, Tuple

import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .base import BaseWeighter
from .utils.checks import check_count, check_number
from .utils.safe_math import normalize_sum, safe_div

STATISTICS = ('ratio', 'loss')


def cov_weights(ratio_std: Tensor, ratio_mean: Tensor,
                inverse: bool = False) -> Tensor:
    """``w = c / sum(c)`` with ``c = sigma / mu`` (Eq. 4 of the paper), or
    ``c = mu / sigma`` for the inverse weighting of its section 4.3.

    A loss whose mean is zero (a loss that has always been zero) gets
    ``c = 0``; if every ``c`` is zero the weights are uniform.

    Args:
        ratio_std (Tensor): (K,) standard deviations of the observed series
            (the loss ratios, or the losses themselves).
        ratio_mean (Tensor): (K,) means of that series.
        inverse (bool): Whether to use ``mu / sigma``. Defaults to False.

    Returns:
        Tensor: (K,) weights summing to 1.
    """
    if inverse:
        # sigma >= 1e-4 (the 1e-8 under the square root), mu >= 0.
        return normalize_sum(ratio_mean / ratio_std)
    return normalize_sum(safe_div(ratio_std, ratio_mean))


def decay_of_window(steps: int) -> float:
    """The fixed mean factor ``m = 1 - 1/t`` of a decay over ``t`` steps.

    The CoV-Weighting paper (section 2.2, Table 2) describes its decaying
    estimates by a fixed ``t`` (20, 100, 1000) that takes the place of the
    step count in the full-history factor ``1 - 1/(t+1)``; the newest
    observation then weighs ``1/t``. ``decay_of_window(20) = 0.95``.

    Args:
        steps (int): The window ``t`` (at least 2).

    Returns:
        float: ``1 - 1/steps``.
    """
    return 1.0 - 1.0 / check_count('CoVWeighting', 'window', steps, low=2)


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

    The paper found the full history (no decay) best; decays over 20,
    100 or 1000 steps (``mean_decay`` 0.95, 0.99, 0.999, see
    :func:`decay_of_window`) were no better (its Table 2).

    Variants of the paper's section 4.3 (Table 7, our reading of its text;
    the authors' code has neither):

    - ``statistic='loss'``: ``mu`` and ``sigma`` are those of the observed
      losses ``L`` themselves (same Welford update, ``L`` in place of
      ``l``), ``c = sigma_L / mu_L``; no ratio is formed.
    - ``inverse=True``: ``c = mu / sigma`` (the reciprocal of the
      coefficient of variation), to test whether low-variance losses
      should get low weights; ``w = c / sum(c)`` as before.
      Steps ``t <= 1`` still use ``1/K``.

    Args:
        mean_decay (float, optional): Fixed mean factor ``m`` in ``[0, 1)``
            for ``t > 0`` (e.g. 0.95 for a memory of about 20 steps).
            Defaults to None: the full history.
        statistic (str): ``'ratio'`` (default, the paper's method): the
            statistics of the loss ratios ``l``; ``'loss'``: those of the
            losses ``L``.
        inverse (bool): Whether to weigh by ``mu / sigma`` instead of
            ``sigma / mu``. Defaults to False.
        nonfinite (str): See :class:`BaseWeighter`.
    """

    def __init__(self, mean_decay: Optional[float] = None,
                 statistic: str = 'ratio', inverse: bool = False,
                 nonfinite: str = 'raise') -> None:
        super().__init__(nonfinite=nonfinite)
        self.mean_decay = None if mean_decay is None else check_number(
            'CoVWeighting', 'mean_decay', mean_decay, low=0.0, high=1.0,
            high_open=True)
        if statistic not in STATISTICS:
            raise ValueError(f'CoVWeighting statistic must be one of '
                             f'{STATISTICS}, got {statistic!r}')
        if not isinstance(inverse, bool):
            raise ValueError(f'CoVWeighting inverse must be a bool, got '
                             f'{inverse!r}')
        self.statistic = statistic
        self.inverse = inverse

    def init_state(self, num_losses: int) -> None:
        names = (('loss_mean', 'ratio_mean', 'ratio_sum_sq')
                 if self.statistic == 'ratio'
                 else ('loss_mean', 'loss_sum_sq'))
        for name in names:
            self.register_buffer(
                name, torch.zeros(num_losses, device=self.step.device))

    def _moments(self) -> Tuple[Tensor, Tensor]:
        """The mean and sum of squared deviations of the observed series
        (the loss ratios, or the losses), the buffers themselves."""
        if self.statistic == 'ratio':
            return self.ratio_mean, self.ratio_sum_sq
        return self.loss_mean, self.loss_sum_sq

    def weigh(self, losses: Tensor, observed: Tensor) -> Tuple[Tensor, Tensor]:
        t = self.step.to(observed.dtype)
        first = self.step == 0
        mean, sum_sq = self._moments()
        # sigma as it stood after the update of step t - 1.
        std = torch.sqrt(sum_sq / t.clamp(min=1) + 1e-8)
        weights = torch.where(
            self.step <= 1, torch.full_like(observed, 1.0 / observed.numel()),
            cov_weights(std, mean, self.inverse))
        if self.training:
            self._update(observed, t, first)
        return (weights * losses).sum(), weights

    def _update(self, observed: Tensor, t: Tensor, first: Tensor) -> None:
        """Welford update of the statistics, in place."""
        keep = 1 - 1 / (t + 1) if self.mean_decay is None \
            else torch.full_like(t, self.mean_decay)
        keep = torch.where(first, torch.zeros_like(keep), keep)
        if self.statistic == 'ratio':
            # Loss ratio l = L / mu_L, with L(0) as the reference at t = 0.
            series = safe_div(
                observed, torch.where(first, observed, self.loss_mean))
            self.loss_mean.mul_(keep).add_((1 - keep) * observed)
        else:
            series = observed
        mean, sum_sq = self._moments()
        new_mean, new_sum_sq = welford_update(mean, sum_sq, series, keep)
        mean.copy_(new_mean)
        sum_sq.copy_(new_sum_sq)

    def extra_repr(self) -> str:
        return (f'mean_decay={self.mean_decay}, '
                f'statistic={self.statistic!r}, inverse={self.inverse}, '
                + super().extra_repr())
