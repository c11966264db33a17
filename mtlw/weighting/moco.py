"""MoCo: tracked gradients combined by a stochastic min-norm step."""
import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .gradient_weighter import GradientStep, GradientWeighter
from .utils.checks import check_number
from .utils.simplex import project_to_simplex
from .utils.step_sizes import decayed_rate
from .utils.vector_state import VectorStateMixin

LAMBDA_UPDATES = ('projection', 'softmax')
#: Added to each gradient norm before the normalisation, as LibMTL does.
MOCO_EPS = 1e-8


@WEIGHTERS.register_module()
class MoCo(VectorStateMixin, GradientWeighter):
    """MoCo (Fernando et al., "Mitigating Gradient Bias in Multi-objective
    Learning: A Provably Convergent Approach", ICLR 2023; "... A Provably
    Convergent Stochastic Approach" on arXiv).

    Tracks each loss's gradient and takes one step of the min-norm problem
    per training step. At update ``t`` (from 1), with ``g_i`` the gradient
    of ``L_i`` (:class:`GradientWeighter`):

    - ``h_i = L_i g_i / (||g_i|| + eps)`` (LibMTL's normalisation, from the
      authors' shared code);
    - ``y_i <- y_i - beta_t (y_i - h_i)``, ``beta_t = beta / t^beta_sigma``,
      ``y = 0`` at start;
    - ``lambda <- P(lambda - gamma_t (Y Y^T + rho I) lambda)``,
      ``gamma_t = gamma / t^gamma_sigma``, ``lambda = 1/K`` at start, with
      ``P`` the Euclidean projection on the simplex (the paper;
      ``lambda_update='projection'``) or a softmax (LibMTL, ``'softmax'``);
    - the shared tensors get ``d = Y^T lambda = sum_i lambda_i y_i``.

    Heads: their own loss's gradient (weight 1), as in LibMTL. Reported
    weights: ``lambda`` (also the weights in eval mode).

    State (buffers): ``tracked`` (K, P), the ``y_i`` (created at the first
    update, see :class:`VectorStateMixin`); ``lambdas``; ``num_updates``.
    ``mode='params'``: P is the number of shared parameters' values and the
    rows are rank-averaged. ``mode='representation'``: the rows are the
    gradients at this rank's shared output; ``||g_i||`` and ``Y Y^T`` are
    summed over the ranks, so ``lambda`` is the same on every rank, while
    each rank tracks its own batch positions (whose samples change every
    step); the output's size must stay fixed and a checkpoint holds the
    saving rank's rows. LibMTL refuses representation gradients for MoCo;
    params mode is the method as published.

    Cost per training step: one ``autograd.grad`` per loss, the (K, P)
    matrix and the (K, P) tracking in memory, O(K^2 P) work; no host read.

    Args:
        beta (float): Tracking step size in (0, 1]. Defaults to 0.5.
        beta_sigma (float): Its decay exponent (>= 0). Defaults to 0.5.
        gamma (float): Step size of ``lambda`` (> 0). Defaults to 0.1.
        gamma_sigma (float): Its decay exponent (>= 0). Defaults to 0.5.
        rho (float): Ridge of the ``lambda`` problem (>= 0). Defaults to 0.
        lambda_update (str): ``'projection'`` (default) or ``'softmax'``.
        mode (str): ``'params'`` or ``'representation'``. Defaults to
            ``'params'``.
        nonfinite (str): See :class:`BaseWeighter`.
        single_backward (bool): See :class:`GradientWeighter`. Defaults to
            True.
    """

    gradient_input = 'vectors'
    vector_buffers = ('tracked', )

    def __init__(self, beta: float = 0.5, beta_sigma: float = 0.5,
                 gamma: float = 0.1, gamma_sigma: float = 0.5,
                 rho: float = 0.0, lambda_update: str = 'projection',
                 mode: str = 'params', nonfinite: str = 'raise',
                 single_backward: bool = True) -> None:
        super().__init__(mode=mode, nonfinite=nonfinite,
                         single_backward=single_backward)
        if lambda_update not in LAMBDA_UPDATES:
            raise ValueError(f'MoCo lambda_update must be one of '
                             f'{LAMBDA_UPDATES}, got {lambda_update!r}')
        self.beta = check_number('MoCo', 'beta', beta, low=0.0, high=1.0,
                                 low_open=True)
        self.beta_sigma = check_number('MoCo', 'beta_sigma', beta_sigma,
                                       low=0.0)
        self.gamma = check_number('MoCo', 'gamma', gamma, low=0.0,
                                  low_open=True)
        self.gamma_sigma = check_number('MoCo', 'gamma_sigma', gamma_sigma,
                                        low=0.0)
        self.rho = check_number('MoCo', 'rho', rho, low=0.0)
        self.lambda_update = lambda_update

    def init_state(self, num_losses: int) -> None:
        device = self.step.device
        self.init_vector_state(num_losses)
        self.register_buffer('lambdas', torch.full(
            (num_losses, ), 1.0 / num_losses, device=device))
        self.register_buffer('num_updates',
                             torch.zeros((), dtype=torch.long, device=device))

    def current_weights(self) -> Tensor:
        return self.lambdas

    def update(self, gram: Tensor, observed: Tensor) -> GradientStep:
        self.size_vector_state(gram.shape[1])
        self.num_updates += 1
        rows = self.batch_rows(gram)
        norms = self.batch_sum(rows.square().sum(1)).sqrt()
        normalized = rows * (observed.to(gram) / (norms + MOCO_EPS))[:, None]
        beta = decayed_rate(self.beta, self.beta_sigma,
                            self.num_updates).to(gram)
        self.tracked.sub_(beta * (self.tracked - normalized))
        self.lambdas.copy_(self._lambda_step(
            self.batch_sum(self.tracked @ self.tracked.T)))
        direction = self.local_direction(self.lambdas @ self.tracked)
        return GradientStep(torch.ones_like(self.lambdas),
                            direction=direction, reported=self.lambdas)

    def _lambda_step(self, gram: Tensor) -> Tensor:
        """One step on ``lambda``, given the Gram matrix ``Y Y^T``."""
        gamma = decayed_rate(self.gamma, self.gamma_sigma,
                             self.num_updates).to(gram)
        eye = torch.eye(gram.shape[0], dtype=gram.dtype, device=gram.device)
        moved = self.lambdas - gamma * (gram + self.rho * eye) @ self.lambdas
        if self.lambda_update == 'softmax':
            return torch.softmax(moved, 0)
        return project_to_simplex(moved)

    def extra_repr(self) -> str:
        return (f'beta={self.beta}, beta_sigma={self.beta_sigma}, '
                f'gamma={self.gamma}, gamma_sigma={self.gamma_sigma}, '
                f'rho={self.rho}, lambda_update={self.lambda_update!r}, '
                + super().extra_repr())
