"""Smooth Tchebycheff scalarisation of the log losses, after a warm-up."""
from typing import Optional, Tuple

import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .periodic import PeriodicWeighter
from .utils.checks import check_number


def log_sum(losses: Tensor, eps: float) -> Tuple[Tensor, Tensor]:
    """``S = sum_i log(L_i + eps)`` and its gradient ``1 / (L_i + eps)``.

    Args:
        losses (Tensor): (K,) loss values.
        eps (float): Added inside the logarithm.

    Returns:
        tuple[Tensor, Tensor]: ``S`` and the (K,) weights ``d S / d L_i``.
    """
    return torch.log(losses + eps).sum(), 1.0 / (losses + eps)


def smooth_tchebycheff(losses: Tensor, nadir: Tensor, mu: float,
                       eps: float) -> Tuple[Tensor, Tensor]:
    """``S = K mu log sum_j exp(x_j / mu)``, ``x_j = log(L_j / n_j + eps)``,
    and its gradient.

    ``d S / d L_i = K softmax(x / mu)_i / (L_i + eps n_i)``. The softmax
    and the log-sum-exp subtract the largest ``x_j`` first, as the authors'
    code does before the exponential. A zero nadir entry is taken as 1.

    Args:
        losses (Tensor): (K,) loss values.
        nadir (Tensor): (K,) nadir point ``n``.
        mu (float): Smoothing parameter.
        eps (float): Added inside the logarithm.

    Returns:
        tuple[Tensor, Tensor]: ``S`` and the (K,) weights ``d S / d L_i``.
    """
    nadir = torch.where(nadir > 0, nadir, torch.ones_like(nadir))
    logs = torch.log(losses / nadir + eps)
    count = losses.numel()
    value = count * mu * torch.logsumexp(logs / mu, dim=0)
    weights = (count * torch.softmax(logs / mu, dim=0)
               / (losses + eps * nadir))
    return value, weights


@WEIGHTERS.register_module()
class STCH(PeriodicWeighter):
    """Smooth Tchebycheff scalarisation (Lin, Zhang, Yang, Liu, Wang, Zhang,
    "Smooth Tchebycheff Scalarization for Multi-Objective Optimization",
    ICML 2024).

    The rule of the authors' multi-task code (and LibMTL's ``STCH``), with
    ``e`` the 0-based epoch of the step (epochs completed so far):

    - ``e < warmup_epochs``: the objective is ``sum_i log(L_i + eps)``,
      so the weights are ``w_i = 1 / (L_i + eps)``;
    - ``e == warmup_epochs``: the same, and the losses of this epoch are
      averaged into the nadir point ``n_i`` (the mean of ``L_i`` over the
      epoch);
    - ``e > warmup_epochs``: the smooth Tchebycheff objective
      ``S = K mu log sum_i exp(log(L_i / n_i + eps) / mu)``, so
      ``w_i = d S / d L_i = K softmax_i(x / mu) / (L_i + eps n_i)`` with
      ``x_i = log(L_i / n_i + eps)`` (:func:`smooth_tchebycheff`).

    So the scalarisation starts after ``warmup_epochs + 1`` epochs. The
    weights and the objective ``S`` are computed from the rank-averaged
    losses; the total has the value of ``S`` and the gradient of
    ``sum_i w_i L_i`` (``w`` detached), which on one rank is the gradient
    of ``S`` and under DDP that of ``S`` of the global batch, identical on
    every rank. The reported weights are these ``w_i`` (the effective
    weights of the losses). The rule takes logarithms: the losses must be
    positive.

    Deviations from the authors' code and LibMTL: they report weights of 1
    throughout (their ``batch_weight``), here the effective weights; they
    differentiate ``S`` of each process's own losses; their ``S`` omits
    ``K max_i x_i`` (subtracted for stability), here it is included. A zero
    nadir entry (a loss that was exactly 0 for the whole nadir epoch) is
    taken as 1 instead of dividing by 0.

    State (buffers): the period sum and count and the completed epochs of
    :class:`PeriodicWeighter`, and ``nadir`` (K,), 0 until set. No host
    read per step. Cost: a few (K,) operations.

    Args:
        mu (float): Smoothing parameter, > 0. Defaults to 1.0.
        warmup_epochs (int): Epochs of the log-sum warm-up before the nadir
            epoch, >= 0. Defaults to 4.
        period (int, optional): Epoch length in iterations; defaults to one
            epoch of the training loop (see :class:`PeriodicWeighter`).
        eps (float): Added inside the logarithms, > 0. Defaults to 1e-20,
            the authors' value.
        nonfinite (str): See :class:`BaseWeighter`.
    """

    def __init__(self, mu: float = 1.0, warmup_epochs: int = 4,
                 period: Optional[int] = None, eps: float = 1e-20,
                 nonfinite: str = 'raise') -> None:
        super().__init__(period=period, nonfinite=nonfinite)
        self.mu = check_number('STCH', 'mu', mu, low=0.0, low_open=True)
        if (not isinstance(warmup_epochs, int) or isinstance(
                warmup_epochs, bool) or warmup_epochs < 0):
            raise ValueError('STCH warmup_epochs must be an int >= 0, got '
                             f'{warmup_epochs!r}')
        self.warmup_epochs = warmup_epochs
        self.eps = check_number('STCH', 'eps', eps, low=0.0, low_open=True)

    def init_state(self, num_losses: int) -> None:
        super().init_state(num_losses)
        self.register_buffer('nadir',
                             torch.zeros(num_losses, device=self.step.device))

    def weigh(self, losses: Tensor, observed: Tensor) -> Tuple[Tensor, Tensor]:
        epoch = self.periods_done.clone()
        started = epoch > self.warmup_epochs
        smooth = smooth_tchebycheff(observed, self.nadir, self.mu, self.eps)
        warmup = log_sum(observed, self.eps)
        value, weights = (torch.where(started, a, b)
                          for a, b in zip(smooth, warmup))
        if self.training:
            ended, means = self.accumulate(observed)
            self.nadir.copy_(torch.where(
                ended & (epoch == self.warmup_epochs), means, self.nadir))
        weighted = (weights * losses).sum()
        return weighted - weighted.detach() + value, weights

    def extra_repr(self) -> str:
        return (f'mu={self.mu}, warmup_epochs={self.warmup_epochs}, '
                f'eps={self.eps}, ' + super().extra_repr())
