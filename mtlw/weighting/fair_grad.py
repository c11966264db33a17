"""FairGrad: alpha-fair weights of the loss gradients."""
import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .gradient_weighter import GradientWeighter
from .utils.checks import check_count, check_number
from .utils.power_equation_solver import solve_or_keep


@WEIGHTERS.register_module()
class FairGrad(GradientWeighter):
    """FairGrad (Ban & Ji, "Fair Resource Allocation in Multi-Task
    Learning", ICML 2024).

    With ``g_i`` the gradient of loss ``i`` (see :class:`GradientWeighter`)
    and ``G_ij = <g_i, g_j>``, the weights are the positive solution of

        ``(G w)_i = w_i^(-1/alpha)``  for every ``i``,

    the update of the alpha-fair allocation of the tasks' improvements
    (``alpha = 1``: proportional fairness, Nash-MTL's equation; larger
    ``alpha`` favours the worst-off tasks more, towards max-min fairness),
    solved exactly on the device (:func:`~mtlw.weighting.utils
    .power_equation_solver.power_equation_solver`). The total is
    ``sum_i w_i L_i``: the shared gradient is ``sum_i w_i g_i`` and the
    heads get ``w_i`` times their loss's gradient, as LibMTL's
    ``FairGrad`` does; the reported weights are ``w``.

    Deviations:

    - LibMTL solves with ``scipy.optimize.least_squares`` on the host from
      ``w = 1/K`` with bounds ``(0, inf)`` and its default tolerances
      (no normalisation of ``G``); here ``niter`` damped Newton steps of
      the equivalent convex problem give the exact solution (to float64
      rounding, relative residual <= 1e-6 checked), on the device;
    - the authors' code (OptMN-Lab/fairgrad) multiplies the shared
      gradient by K and clips it to norm 1 (``max_norm=1.0``), and their
      heads get the unweighted sum of the losses' gradients; here, as in
      LibMTL, neither (combine with the optimizer's gradient clipping if
      wanted);
    - a loss with a zero gradient (no finite solution; least squares
      drives its weight up without bound) gets weight 0 and the others
      solve among themselves;
    - when the equation has no positive solution (a non-negative
      combination of the gradients is zero, e.g. exactly opposite
      gradients) or the solve does not converge in ``niter`` steps, the
      last weights are kept and the buffer ``unsolved`` counts the step;
    - representation mode is allowed (LibMTL refuses it).

    Scale: the weights scale as ``1 / ||g||`` (``G`` times ``s`` gives
    ``w`` times ``s^(-alpha/(1+alpha))``), so with small gradients,
    as at a shared representation under per-pixel mean losses, they
    are large (hundreds to thousands), and so are the heads' gradients.

    State (buffers): ``fair_weights`` (the last ``w``, initially 1, used
    before the first step, in eval mode and on skipped steps) and
    ``unsolved``.

    Cost per training step: one ``autograd.grad`` per loss, the (K, P)
    gradient matrix and ``niter`` K x K solves on the device; no host read.

    Args:
        alpha (float): The fairness exponent, > 0. Defaults to 1.0.
        niter (int): Newton iterations of the solve; 20 reach float64
            rounding for ``alpha`` near 1; far from 1 with gradient norms
            spanning many orders of magnitude, more may be needed (watch
            ``unsolved``). Defaults to 20.
        mode (str): ``'params'`` or ``'representation'``. Defaults to
            ``'params'``.
        nonfinite (str): See :class:`BaseWeighter`.
        single_backward (bool): See :class:`GradientWeighter`. Defaults to
            True.
    """

    gradient_input = 'gram'

    def __init__(self, alpha: float = 1.0, niter: int = 20,
                 mode: str = 'params', nonfinite: str = 'raise',
                 single_backward: bool = True) -> None:
        super().__init__(mode=mode, nonfinite=nonfinite,
                         single_backward=single_backward)
        self.alpha = check_number('FairGrad', 'alpha', alpha, low=0.0,
                                  low_open=True)
        self.niter = check_count('FairGrad', 'niter', niter)

    def init_state(self, num_losses: int) -> None:
        device = self.step.device
        self.register_buffer('fair_weights',
                             torch.ones(num_losses, device=device))
        self.register_buffer('unsolved',
                             torch.zeros((), dtype=torch.long, device=device))

    def current_weights(self) -> Tensor:
        return self.fair_weights

    def update(self, gram: Tensor, observed: Tensor) -> Tensor:
        weights, failed = solve_or_keep(gram, self.fair_weights, self.alpha,
                                        self.niter)
        self.fair_weights.copy_(weights)
        self.unsolved += failed
        return self.fair_weights

    def extra_repr(self) -> str:
        return (f'alpha={self.alpha}, niter={self.niter}, '
                + super().extra_repr())
