"""GradNorm: loss weights learned to balance the losses' gradient norms."""
from typing import Optional, Sequence

import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .utils.checks import check_number, check_weight_sum, weight_sum
from .gradient_weighter import GradientWeighter
from .utils.adam import adam_step

WEIGHT_OPTIMIZERS = ('adam', 'sgd')


def relative_inverse_rates(losses: Tensor, initial_losses: Tensor) -> Tensor:
    """``r_i = (L_i / L_i(0)) / mean_j (L_j / L_j(0))``.

    A loss whose initial value is not positive gets the ratio 1, and all
    rates are 1 when every ratio is 0.

    Args:
        losses (Tensor): (K,) current losses.
        initial_losses (Tensor): (K,) losses of the first step.

    Returns:
        Tensor: (K,) relative inverse training rates.
    """
    ones = torch.ones_like(losses)
    ratios = torch.where(initial_losses > 0, losses / initial_losses, ones)
    mean = ratios.mean()
    return torch.where(mean > 0, ratios / mean, ones)


def grad_norm_targets(grad_norms: Tensor, weights: Tensor, rates: Tensor,
                      alpha: float) -> Tensor:
    """GradNorm's target norms ``T_i = mean_j(w_j n_j) * r_i^alpha``.

    Args:
        grad_norms (Tensor): (K,) ``n_i = ||grad_W L_i||``.
        weights (Tensor): (K,) loss weights ``w_i``.
        rates (Tensor): (K,) relative inverse training rates ``r_i``.
        alpha (float): The asymmetry exponent.

    Returns:
        Tensor: (K,) targets, to be treated as constants.
    """
    return (weights * grad_norms).mean() * rates**alpha


def grad_norm_weight_gradient(grad_norms: Tensor, weights: Tensor,
                              rates: Tensor, alpha: float) -> Tensor:
    """Gradient of ``L_grad = sum_i |w_i n_i - T_i|`` w.r.t. ``w``.

    With the targets ``T`` of :func:`grad_norm_targets` held constant,
    ``dL_grad / dw_i = n_i sign(w_i n_i - T_i)``.

    Args:
        grad_norms (Tensor): (K,) ``n_i = ||grad_W L_i||``.
        weights (Tensor): (K,) loss weights ``w_i``.
        rates (Tensor): (K,) relative inverse training rates ``r_i``.
        alpha (float): The asymmetry exponent.

    Returns:
        Tensor: (K,) the gradient.
    """
    targets = grad_norm_targets(grad_norms, weights, rates, alpha)
    return grad_norms * torch.sign(weights * grad_norms - targets)


def renormalize(weights: Tensor, total: float) -> Tensor:
    """Clip ``weights`` at 0 and scale them to sum ``total`` (all equal if
    they are all 0).

    Args:
        weights (Tensor): (K,) weights.
        total (float): The sum to reach.

    Returns:
        Tensor: (K,) the renormalised weights.
    """
    weights = weights.clamp_min(0)
    weight_sum = weights.sum()
    equal = torch.full_like(weights, total / weights.numel())
    return torch.where(weight_sum > 0, weights * (total / weight_sum), equal)


@WEIGHTERS.register_module()
class GradNorm(GradientWeighter):
    """GradNorm (Chen et al., "GradNorm: Gradient Normalization for Adaptive
    Loss Balancing in Deep Multitask Networks", ICML 2018).

    Learnable weights ``w_i`` balance the gradient norms of the weighted
    losses at a shared layer ``W`` (the model's ``shared``, see
    :class:`GradientWeighter`; the last shared layer in the paper, the
    output layer for single-task multi-loss models in the CoV-Weighting
    paper). At each training step:

    - ``G_i = ||grad_W (w_i L_i)|| = w_i ||grad_W L_i||``,
      ``G_avg = mean_i G_i``;
    - ``r_i = (L_i / L_i(0)) / mean_j (L_j / L_j(0))`` with ``L(0)`` the
      (rank-averaged) losses of the first training step;
    - target ``T_i = G_avg r_i^alpha``, a constant;
      ``L_grad = sum_i |G_i - T_i|`` and its gradient
      ``dL_grad / dw_i = ||grad_W L_i|| sign(G_i - T_i)``;
    - ``w`` takes one Adam (or SGD) step with ``weight_lr``, is clipped at
      0 and renormalised to sum ``K`` (the paper) or 1 (the CoV-Weighting
      authors' code).

    The total is ``sum_i w_i L_i`` with ``w`` detached and taken before this
    step's update, so the network and the weights step together as in the
    authors' codes. ``w``, ``L(0)`` and the Adam moments are buffers updated
    by the weighter itself: the model's optimizer never sees them, and they
    are saved with the checkpoint. Reported weights: ``w``. Initial weights:
    1 (sum K) or ``1/K`` (sum 1).

    Defaults follow the CoV-Weighting paper: ``alpha = 1.5`` (grid-searched
    there; the method is sensitive to it) and Adam with lr 0.025. The
    CoV-Weighting code averages ``|G_i - T_i|`` instead of summing it, which
    Adam's step does not notice (up to its eps).

    The layer: the authors of GradNorm take the weights of the last shared
    layer; the CoV-Weighting code takes the convolution weight of
    monodepth's ``iconv4`` alone (the first parameter of that block, not
    its normalisation). ``param_names`` selects such tensors of the shared
    module (``shared='decode_head.iconv4', param_names=('conv.weight',)``);
    without it every parameter of the shared module enters the norms.

    Cost per training step: one ``autograd.grad`` per loss against the
    shared layer (or its output in ``mode='representation'``).

    Args:
        alpha (float): The asymmetry exponent. Defaults to 1.5.
        weight_lr (float): Learning rate of the weights. Defaults to 0.025.
        optimizer (str): ``'adam'`` (default) or ``'sgd'``.
        normalize_to (str): ``'num_losses'`` (sum ``K``, default) or
            ``'one'`` (sum 1).
        mode (str): See :class:`GradientWeighter`. Defaults to ``'params'``.
        nonfinite (str): See :class:`BaseWeighter`.
        single_backward (bool): See :class:`GradientWeighter`. Defaults to
            True.
        param_names (Sequence[str], optional): See
            :class:`GradientWeighter`: the shared module's parameters whose
            gradients enter the norms. Defaults to None (all of them).
    """

    gradient_input = 'norms'

    def __init__(self, alpha: float = 1.5, weight_lr: float = 0.025,
                 optimizer: str = 'adam', normalize_to: str = 'num_losses',
                 mode: str = 'params', nonfinite: str = 'raise',
                 single_backward: bool = True,
                 param_names: Optional[Sequence[str]] = None) -> None:
        super().__init__(mode=mode, nonfinite=nonfinite,
                         single_backward=single_backward,
                         param_names=param_names)
        if optimizer not in WEIGHT_OPTIMIZERS:
            raise ValueError(f'GradNorm optimizer must be one of '
                             f'{WEIGHT_OPTIMIZERS}, got {optimizer!r}')
        self.alpha = check_number('GradNorm', 'alpha', alpha, low=0.0)
        self.weight_lr = check_number('GradNorm', 'weight_lr', weight_lr,
                                      low=0.0, low_open=True)
        self.optimizer = optimizer
        self.normalize_to = check_weight_sum('GradNorm', normalize_to)

    def init_state(self, num_losses: int) -> None:
        device = self.step.device
        self.weight_sum = weight_sum(self.normalize_to, num_losses)
        self.register_buffer('loss_weights', torch.full(
            (num_losses,), self.weight_sum / num_losses, device=device))
        self.register_buffer('initial_losses',
                             torch.zeros(num_losses, device=device))
        self.register_buffer('num_updates',
                             torch.zeros((), dtype=torch.long, device=device))
        if self.optimizer == 'adam':
            self.register_buffer('exp_avg',
                                 torch.zeros(num_losses, device=device))
            self.register_buffer('exp_avg_sq',
                                 torch.zeros(num_losses, device=device))

    def current_weights(self) -> Tensor:
        return self.loss_weights

    def update(self, gram: Tensor, observed: Tensor) -> Tensor:
        weights = self.loss_weights.clone()
        self.initial_losses.copy_(torch.where(
            self.num_updates == 0, observed, self.initial_losses))
        rates = relative_inverse_rates(observed, self.initial_losses)
        grad = grad_norm_weight_gradient(
            gram.clamp_min(0).sqrt(), weights, rates, self.alpha)
        self.num_updates += 1
        if self.optimizer == 'adam':
            new_weights, exp_avg, exp_avg_sq = adam_step(
                weights, grad, self.exp_avg, self.exp_avg_sq,
                self.num_updates, self.weight_lr)
            self.exp_avg.copy_(exp_avg)
            self.exp_avg_sq.copy_(exp_avg_sq)
        else:
            new_weights = weights - self.weight_lr * grad
        self.loss_weights.copy_(renormalize(new_weights, self.weight_sum))
        return weights

    def extra_repr(self) -> str:
        return (f'alpha={self.alpha}, weight_lr={self.weight_lr}, '
                f'optimizer={self.optimizer!r}, '
                f'normalize_to={self.normalize_to!r}, '
                + super().extra_repr())
