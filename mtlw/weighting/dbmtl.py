"""DB-MTL: log losses and gradients rescaled to the largest average."""
import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .gradient_weighter import GradientStep, GradientWeighter
from .utils.checks import check_number
from .utils.step_sizes import decayed_rate
from .utils.vector_state import VectorStateMixin

#: Added to each loss before its log, and to each norm, as LibMTL does.
DBMTL_EPS = 1e-8


@WEIGHTERS.register_module()
class DBMTL(VectorStateMixin, GradientWeighter):
    """DB-MTL (Lin et al., "Dual-Balancing for Multi-Task Learning", arXiv
    2308.12029, 2023).

    Loss-scale balancing by a log transform and gradient-magnitude
    balancing of the shared tensors. At training update ``t`` (from 1),
    with ``g_i`` the gradient of ``L_i`` (:class:`GradientWeighter`):

    - ``h_i = g_i / (L_i + eps)``, the gradient of ``log(L_i + eps)``;
    - ``m_i <- h_i + beta_t (m_i - h_i)``, ``beta_t = beta / t^beta_sigma``,
      ``m = 0`` at start (an average of each loss's log gradient);
    - ``a_i = max_j ||m_j|| / (||m_i|| + eps)``, the shared tensors get
      ``d = sum_i a_i m_i``: every average rescaled to the largest norm.

    Heads: the gradient of ``log(L_i + eps)``, weight ``1 / (L_i + eps)``,
    as in the paper and LibMTL. Reported weights: ``a_i / (L_i + eps)``,
    the weight on the raw loss when ``m_i`` is this step's ``h_i``
    (``beta = 0``); they are also the weights in eval mode (ones before the
    first update). The total's value is ``sum_i L_i / (L_i + eps)``
    (about K). ``L`` is the rank-averaged loss, so ``h_i`` is the log
    gradient of the whole batch.

    State (buffers): ``grad_ema`` (K, P), the ``m_i`` (P values per loss,
    created at the first update, see :class:`VectorStateMixin`);
    ``num_updates``; ``loss_weights``. ``mode='params'``: P is the number
    of shared parameters' values, the rows are rank-averaged, and every rank
    holds the same ``m``. ``mode='representation'``: the rows are the
    gradients at this rank's shared output, so each rank averages the
    gradients at its own batch positions (whose samples change every step)
    and the norms are summed over the ranks; the output's size must stay
    fixed, and a checkpoint holds the saving rank's rows. LibMTL refuses
    representation gradients for DB-MTL; params mode is the method as
    published.

    Cost per training step: one ``autograd.grad`` per loss, the (K, P)
    matrix and the (K, P) average in memory, O(KP) work; no host read.

    Args:
        beta (float): Averaging factor in [0, 1]. Defaults to 0.9.
        beta_sigma (float): Decay exponent of ``beta`` (>= 0). Defaults to
            0 (constant).
        mode (str): ``'params'`` or ``'representation'``. Defaults to
            ``'params'``.
        nonfinite (str): See :class:`BaseWeighter`.
        single_backward (bool): See :class:`GradientWeighter`. Defaults to
            True.
    """

    gradient_input = 'vectors'
    vector_buffers = ('grad_ema', )

    def __init__(self, beta: float = 0.9, beta_sigma: float = 0.0,
                 mode: str = 'params', nonfinite: str = 'raise',
                 single_backward: bool = True) -> None:
        super().__init__(mode=mode, nonfinite=nonfinite,
                         single_backward=single_backward)
        self.beta = check_number('DBMTL', 'beta', beta, low=0.0, high=1.0)
        self.beta_sigma = check_number('DBMTL', 'beta_sigma', beta_sigma,
                                       low=0.0)

    def init_state(self, num_losses: int) -> None:
        device = self.step.device
        self.init_vector_state(num_losses)
        self.register_buffer('num_updates',
                             torch.zeros((), dtype=torch.long, device=device))
        self.register_buffer('loss_weights',
                             torch.ones(num_losses, device=device))

    def current_weights(self) -> Tensor:
        return self.loss_weights

    def update(self, gram: Tensor, observed: Tensor) -> GradientStep:
        self.size_vector_state(gram.shape[1])
        self.num_updates += 1
        heads = 1.0 / (observed.to(gram) + DBMTL_EPS)
        log_grads = self.batch_rows(gram) * heads[:, None]
        rate = decayed_rate(self.beta, self.beta_sigma,
                            self.num_updates).to(gram)
        self.grad_ema.copy_(log_grads + rate * (self.grad_ema - log_grads))
        norms = self.batch_sum(self.grad_ema.square().sum(1)).sqrt()
        scales = norms.max() / (norms + DBMTL_EPS)
        self.loss_weights.copy_(scales * heads)
        direction = self.local_direction(scales @ self.grad_ema)
        return GradientStep(heads, direction=direction,
                            reported=self.loss_weights)

    def extra_repr(self) -> str:
        return (f'beta={self.beta}, beta_sigma={self.beta_sigma}, '
                + super().extra_repr())
