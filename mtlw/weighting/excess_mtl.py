"""ExcessMTL: weights that follow each task's estimated excess risk."""
import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .gradient_weighter import GradientWeighter
from .utils.checks import check_number
from .utils.safe_math import safe_div
from .utils.vector_state import VectorStateMixin

#: Added to the accumulated squares under the square root, as the authors.
EXCESS_EPS = 1e-7


@WEIGHTERS.register_module()
class ExcessMTL(VectorStateMixin, GradientWeighter):
    """ExcessMTL (He et al., "Robust Multi-Task Learning with Excess
    Risks", ICML 2024).

    Each loss's excess risk is estimated from a diagonal (AdaGrad-like)
    curvature proxy, and the weights take exponentiated-gradient steps
    towards the losses with the larger one. At each training update, with
    ``g_i`` the gradient of ``L_i`` (:class:`GradientWeighter`):

    - ``S_i <- S_i + g_i^2`` (elementwise, ``S = 0`` at start),
      ``H_i = sqrt(S_i + 1e-7)``;
    - excess risk estimate ``e_i = sum_p g_ip^2 / H_ip``;
    - the first update that sees ``e_i > 0`` keeps it as the loss's initial
      scale ``e_i(0)`` and leaves its weight; later updates take
      ``w_i <- w_i exp(step e_i / e_i(0))``; then ``w <- K w / sum_j w_j``;
    - ``total = sum_i w_i L_i`` with this update's ``w`` (heads and shared
      tensors alike).

    Reported weights: ``w`` (ones at start; also the weights in eval mode).

    Deviations from LibMTL / the authors' code: they take ``e(0)`` from the
    first update for all losses at once, which divides by zero for a loss
    whose first gradient is zero; here each loss takes its own first
    non-zero value (the same whenever the first gradients are non-zero).
    In ``mode='representation'`` their code sums the representation's
    gradient over the batch dimension before squaring; here the squares
    are taken per sample (the rows handed over are the per-sample-flattened
    gradients).

    State (buffers): ``grad_sq_sum`` (K, P), the ``S_i`` (created at the
    first update, see :class:`VectorStateMixin`); ``initial_risks`` (0
    until set); ``loss_weights``. ``mode='params'``: P is the number of
    shared parameters' values and the rows are rank-averaged.
    ``mode='representation'``: each rank accumulates the squares at its own
    batch positions and ``e_i`` is summed over the ranks, so ``w`` is the
    same on every rank; the output's size must stay fixed and a checkpoint
    holds the saving rank's rows.

    Cost per training step: one ``autograd.grad`` per loss, the (K, P)
    matrix and the (K, P) sums in memory, O(KP) work; no host read.

    Args:
        robust_step_size (float): The step size (> 0). Defaults to 1e-2.
        mode (str): ``'params'`` or ``'representation'``. Defaults to
            ``'params'``.
        nonfinite (str): See :class:`BaseWeighter`.
        single_backward (bool): See :class:`GradientWeighter`. Defaults to
            True.
    """

    gradient_input = 'vectors'
    vector_buffers = ('grad_sq_sum', )

    def __init__(self, robust_step_size: float = 1e-2, mode: str = 'params',
                 nonfinite: str = 'raise', single_backward: bool = True
                 ) -> None:
        super().__init__(mode=mode, nonfinite=nonfinite,
                         single_backward=single_backward)
        self.robust_step_size = check_number(
            'ExcessMTL', 'robust_step_size', robust_step_size, low=0.0,
            low_open=True)

    def init_state(self, num_losses: int) -> None:
        device = self.step.device
        self.init_vector_state(num_losses)
        self.register_buffer('initial_risks',
                             torch.zeros(num_losses, device=device))
        self.register_buffer('loss_weights',
                             torch.ones(num_losses, device=device))

    def current_weights(self) -> Tensor:
        return self.loss_weights

    def update(self, gram: Tensor, observed: Tensor) -> Tensor:
        self.size_vector_state(gram.shape[1])
        squares = self.batch_rows(gram).square()
        self.grad_sq_sum.add_(squares)
        risks = self.batch_sum(
            (squares / (self.grad_sq_sum + EXCESS_EPS).sqrt()).sum(1))
        ratios = safe_div(risks, self.initial_risks)
        self.initial_risks.copy_(torch.where(
            self.initial_risks > 0, self.initial_risks, risks))
        weights = self.loss_weights * torch.exp(
            self.robust_step_size * ratios)
        self.loss_weights.copy_(weights * (weights.numel() / weights.sum()))
        return self.loss_weights

    def extra_repr(self) -> str:
        return (f'robust_step_size={self.robust_step_size}, '
                + super().extra_repr())
