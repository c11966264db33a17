"""MGDA and MGDA-UB: weights of the min-norm combination of loss gradients."""
import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .utils.checks import check_count, check_number
from .gradient_weighter import GradientWeighter
from .utils.active_set import exact_min_norm
from .utils.min_norm_solver import min_norm_solver

GRADIENT_NORMALIZATIONS = ('none', 'l2', 'loss', 'loss+')
MIN_NORM_SOLVERS = ('exact', 'frank_wolfe')


def _check_normalization(normalization: str) -> None:
    if normalization not in GRADIENT_NORMALIZATIONS:
        raise ValueError(f'MGDA normalization must be one of '
                         f'{GRADIENT_NORMALIZATIONS}, got {normalization!r}')


def normalize_gram(gram: Tensor, losses: Tensor, normalization: str) -> Tensor:
    """The Gram matrix of normalised gradients ``g_i / c_i``.

    ``c_i`` is 1 (``'none'``), ``||g_i||`` (``'l2'``), ``L_i`` (``'loss'``)
    or ``L_i ||g_i||`` (``'loss+'``); then ``G'_ij = G_ij / (c_i c_j)``. A
    zero ``c_i`` is replaced by 1 (its gradient or loss is zero).

    Args:
        gram (Tensor): (K, K) Gram matrix ``<g_i, g_j>``.
        losses (Tensor): (K,) loss values.
        normalization (str): One of ``'none'``, ``'l2'``, ``'loss'``,
            ``'loss+'``.

    Returns:
        Tensor: The (K, K) Gram matrix of the normalised gradients.
    """
    _check_normalization(normalization)
    if normalization == 'none':
        return gram
    norms = gram.diagonal().clamp_min(0).sqrt()
    losses = losses.to(gram)
    scale = {'l2': norms, 'loss': losses,
             'loss+': losses * norms}[normalization]
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)
    return gram / (scale[:, None] * scale[None, :])


@WEIGHTERS.register_module()
class MGDA(GradientWeighter):
    """MGDA (Sener & Koltun, "Multi-Task Learning as Multi-Objective
    Optimization", NeurIPS 2018).

    At every training step, with ``g_i`` the gradient of loss ``i``
    (see :class:`GradientWeighter`), the weights solve

        ``alpha = argmin_{alpha in simplex} ||sum_i alpha_i g_i / c_i||^2``

    on the (K, K) Gram matrix, and the total is
    ``sum_i alpha_i L_i`` (``alpha`` detached). ``c_i`` is the optional
    gradient normalisation of the authors' code (:func:`normalize_gram`,
    with the rank-averaged loss values); as there, ``alpha`` multiplies the
    unnormalised losses. The paper itself does not normalise (``'none'``).

    ``mode='params'`` differentiates against all shared parameters (MGDA);
    ``mode='representation'`` against the shared module's output (MGDA-UB,
    the paper's cheap upper bound, one backward to ``Z`` per loss). The
    reported weights are ``alpha``; before the first step, in eval mode and
    on steps with non-finite gradients the last ``alpha`` (initially
    ``1/K``) is used.

    The solver: ``'exact'`` (default) solves the problem exactly on the
    device (:func:`~mtlw.weighting.utils.exact_min_norm`: every face of
    the simplex in one batched solve, no host read, for K <= 10; scipy's
    nnls on the host beyond). ``'frank_wolfe'`` is the authors' solver
    (:func:`min_norm_solver`: the best pair in closed form, then
    Frank-Wolfe steps, on the host), which can stop a few percent above
    the minimum norm on ill-conditioned Gram matrices.

    Cost per training step: one ``autograd.grad`` per loss and a (K, P)
    gradient matrix (P = number of differentiated values) in memory; a
    host read for ``'frank_wolfe'``.

    Args:
        normalization (str): ``'none'`` (default), ``'l2'`` (``g/||g||``),
            ``'loss'`` (``g/L``) or ``'loss+'`` (``g/(L ||g||)``).
        solver (str): ``'exact'`` (default) or ``'frank_wolfe'``.
        max_iter (int): Most Frank-Wolfe steps. Defaults to 250.
        stop_crit (float): Frank-Wolfe stopping threshold on the L1 change
            of ``alpha``. Defaults to 1e-5.
        mode (str): ``'params'`` (MGDA) or ``'representation'`` (MGDA-UB).
            Defaults to ``'params'``.
        nonfinite (str): See :class:`BaseWeighter`.
        single_backward (bool): See :class:`GradientWeighter`. Defaults to
            True.
    """

    def __init__(self, normalization: str = 'none', solver: str = 'exact',
                 max_iter: int = 250, stop_crit: float = 1e-5,
                 mode: str = 'params', nonfinite: str = 'raise',
                 single_backward: bool = True) -> None:
        super().__init__(mode=mode, nonfinite=nonfinite,
                         single_backward=single_backward)
        _check_normalization(normalization)
        if solver not in MIN_NORM_SOLVERS:
            raise ValueError(f'MGDA solver must be one of '
                             f'{MIN_NORM_SOLVERS}, got {solver!r}')
        self.solver = solver
        self.normalization = normalization
        self.max_iter = check_count('MGDA', 'max_iter', max_iter, low=0)
        self.stop_crit = check_number('MGDA', 'stop_crit', stop_crit,
                                      low=0.0)

    def init_state(self, num_losses: int) -> None:
        self.register_buffer(
            'alpha', torch.full((num_losses,), 1.0 / num_losses,
                                device=self.step.device))

    def current_weights(self) -> Tensor:
        return self.alpha

    def update(self, gram: Tensor, observed: Tensor) -> Tensor:
        gram = normalize_gram(gram.double(), observed, self.normalization)
        if self.solver == 'exact':
            alpha = exact_min_norm(gram)
        else:
            alpha = min_norm_solver(gram, self.max_iter, self.stop_crit)
        self.alpha.copy_(alpha)
        return self.alpha

    def extra_repr(self) -> str:
        return (f'normalization={self.normalization!r}, '
                f'solver={self.solver!r}, max_iter={self.max_iter}, '
                f'stop_crit={self.stop_crit}, '
                + super().extra_repr())
