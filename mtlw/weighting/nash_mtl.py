"""Nash-MTL: the weights of the Nash bargaining solution of the tasks."""
from typing import Union

import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .gradient_weighter import GradientStep, GradientWeighter
from .utils.checks import check_count, check_number
from .utils.power_equation_solver import solve_or_keep

#: Added to the gradient norm in the clipping factor, as
#: ``torch.nn.utils.clip_grad_norm_`` does.
CLIP_EPS = 1e-6


@WEIGHTERS.register_module()
class NashMTL(GradientWeighter):
    """Nash-MTL (Navon et al., "Multi-Task Learning as a Bargaining Game",
    ICML 2022).

    With ``g_i`` the gradient of loss ``i`` (see :class:`GradientWeighter`)
    and ``G_ij = <g_i, g_j>``, the weights are the positive solution of

        ``(G alpha)_i = 1 / alpha_i``  for every ``i``,

    the Nash bargaining solution among the tasks, solved exactly on the
    device (:func:`~mtlw.weighting.utils.power_equation_solver
    .power_equation_solver` with exponent 1). The total is
    ``sum_i alpha_i L_i``: the heads get ``alpha_i`` times their loss's
    gradient, as in the authors' code. With ``max_norm > 0`` the shared
    gradient ``d = sum_i alpha_i g_i`` is clipped to that norm as the
    authors' ``clip_grad_norm_`` on the shared parameters does: the
    coefficients are ``c = alpha min(1, max_norm / (||d|| + 1e-6))`` with
    ``||d||^2 = alpha^T G alpha``, computed on the device (note that
    ``||d||^2 = K`` at the solution, so the default ``max_norm=1`` scales
    the shared gradient to norm 1 for every K >= 2). Heads are not
    clipped (the authors clip the shared parameters only). In
    representation mode the clipped norm is that of the gradient at the
    shared representation, the only one known before the backward.

    The weights are recomputed every ``update_weights_every`` training
    steps (the base's ``step`` counter; the others reuse the last
    ``alpha``); clipping uses the current step's Gram matrix every step,
    as the authors' code clips every step. The gradients are still
    computed every step, so a longer period saves only the solve.

    Deviations from the authors' code (and LibMTL's ``Nash_MTL``, a copy):

    - they normalise ``G`` by its Frobenius norm and run up to
      ``optim_niter`` convex programs (cvxpy/ECOS, a concave-convex
      procedure warm-started from the last ``alpha``) that stop when
      ``||G alpha - 1/alpha|| < 1e-3`` on the normalised matrix or the
      change is below 1e-6; here ``optim_niter`` damped Newton steps of the
      equivalent convex problem from a fixed start give the exact solution
      of the same equation (to float64 rounding, relative residual
      <= 1e-6 checked), with no host read and no cvxpy;
    - a loss with a zero gradient has no finite ``alpha_i``: it gets
      weight 0 (heads included) and the others solve among themselves;
    - when the equation has no positive solution (a non-negative
      combination of the gradients is zero, e.g. exactly opposite
      gradients) or the solve does not converge, the last ``alpha`` is
      kept (as the authors' code keeps it when the convex program fails)
      and the buffer ``unsolved`` counts such steps;
    - representation mode is allowed (LibMTL refuses it).

    Scale: the weights scale as ``1 / ||g||`` (``G`` times ``s`` gives
    ``alpha`` times ``1/sqrt(s)``), so with small gradients,
    as at a shared representation under per-pixel mean losses, they
    are large (hundreds to thousands), and so are the heads' gradients.

    State (buffers): ``alpha`` (the last weights, initially 1, used before
    the first step, in eval mode, on skipped steps and between updates),
    ``unsolved`` and the base's ``step``. The reported weights are
    ``alpha`` (unclipped).

    Cost per training step: one ``autograd.grad`` per loss, the (K, P)
    gradient matrix, and ``optim_niter`` K x K solves on the device; with
    ``update_weights_every > 1``, one host read of the step counter.

    Args:
        update_weights_every (int): Steps between solves. Defaults to 1.
        optim_niter (int): Newton iterations of the solve (20 reach float64
            rounding for the Gram matrices of practice). Defaults to 20.
        max_norm (float): Norm the shared gradient is clipped to; 0
            disables clipping. Defaults to 1.0.
        mode (str): ``'params'`` or ``'representation'``. Defaults to
            ``'params'``.
        nonfinite (str): See :class:`BaseWeighter`.
        single_backward (bool): See :class:`GradientWeighter`. Defaults to
            True.
    """

    gradient_input = 'gram'

    def __init__(self, update_weights_every: int = 1, optim_niter: int = 20,
                 max_norm: float = 1.0, mode: str = 'params',
                 nonfinite: str = 'raise', single_backward: bool = True
                 ) -> None:
        super().__init__(mode=mode, nonfinite=nonfinite,
                         single_backward=single_backward)
        self.update_weights_every = check_count(
            'NashMTL', 'update_weights_every', update_weights_every)
        self.optim_niter = check_count('NashMTL', 'optim_niter', optim_niter)
        self.max_norm = check_number('NashMTL', 'max_norm', max_norm, low=0.0)

    def init_state(self, num_losses: int) -> None:
        device = self.step.device
        self.register_buffer('alpha', torch.ones(num_losses, device=device))
        self.register_buffer('unsolved',
                             torch.zeros((), dtype=torch.long, device=device))

    def current_weights(self) -> Tensor:
        return self.alpha

    def update(self, gram: Tensor, observed: Tensor
               ) -> Union[Tensor, GradientStep]:
        if self._update_due():
            alpha, failed = solve_or_keep(gram, self.alpha, 1.0,
                                          self.optim_niter)
            self.alpha.copy_(alpha)
            self.unsolved += failed
        alpha = self.alpha.clone()
        if self.max_norm == 0:
            return alpha
        return GradientStep(alpha, coefficients=alpha * self._clip(gram))

    def _update_due(self) -> bool:
        """Whether this step solves (a host read of the step counter when
        the period is not 1)."""
        return (self.update_weights_every == 1
                or int(self.step) % self.update_weights_every == 0)

    def _clip(self, gram: Tensor) -> Tensor:
        """``min(1, max_norm / (||sum_i alpha_i g_i|| + 1e-6))``."""
        alpha = self.alpha.to(gram)
        norm = (alpha @ gram @ alpha).clamp_min(0).sqrt()
        return (self.max_norm / (norm + CLIP_EPS)).clamp(max=1.0).to(
            self.alpha)

    def extra_repr(self) -> str:
        return (f'update_weights_every={self.update_weights_every}, '
                f'optim_niter={self.optim_niter}, max_norm={self.max_norm}, '
                + super().extra_repr())
