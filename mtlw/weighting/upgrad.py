"""UPGrad: the mean of the gradients projected onto their dual cone."""
import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .gradient_weighter import GradientWeighter
from .utils.active_set import nonnegative_qp
from .utils.checks import check_number


def upgrad_weights(gram: Tensor, norm_eps: float = 1e-4,
                   reg_eps: float = 1e-4) -> Tensor:
    """UPGrad's weights ``w``, the aggregation being ``sum_i w_i g_i``.

    As TorchJD computes them: the Gram matrix is divided by its trace
    (the squared Frobenius norm of the gradient matrix; the zero matrix
    when the trace is below ``norm_eps``) and ``reg_eps I`` is added,
    giving ``H``. The projection of ``g_i / K`` onto the dual cone of the
    ``g_j`` is ``sum_j v_j g_j`` with ``v = argmin_{v >= e_i / K} v^T H
    v`` (Quinton & Rey, Proposition 1), a non-negative problem in ``x = v
    - e_i / K``: ``min_{x >= 0} x^T H x + 2 x^T H e_i / K``, solved exactly
    by :func:`nonnegative_qp` for all ``i`` at once. Then ``w = sum_i v``.

    Args:
        gram (Tensor): (K, K) Gram matrix ``<g_i, g_j>``.
        norm_eps (float): Trace below which the matrix is taken as zero.
        reg_eps (float): Diagonal regularisation.

    Returns:
        Tensor: (K,) float64 weights, each at least ``1 / K``.
    """
    gram = gram.double()
    num = len(gram)
    trace = gram.diagonal().sum()
    normalized = torch.where(trace >= norm_eps,
                             gram / trace.clamp_min(1e-300),
                             torch.zeros_like(gram))
    regularized = normalized + reg_eps * torch.eye(
        num, dtype=gram.dtype, device=gram.device)
    shifts = nonnegative_qp(regularized, regularized / num)
    return shifts.sum(1) + 1.0 / num


@WEIGHTERS.register_module()
class UPGrad(GradientWeighter):
    """UPGrad (Quinton & Rey, "Jacobian Descent for Multi-Objective
    Optimization", arXiv 2406.16232, 2024).

    Each loss gradient ``g_i`` (see :class:`GradientWeighter`), scaled by
    ``1/K``, is projected onto the dual cone ``{d : <g_j, d> >= 0 for all
    j}`` of the gradients, and the projections are summed: the shared
    gradient ``d = sum_i w_i g_i`` conflicts with no loss (``<g_j, d> >=
    0``) and is the mean gradient when no two gradients conflict. The
    weights ``w`` (:func:`upgrad_weights`: TorchJD's normalisation by the
    trace with ``norm_eps`` and regularisation ``reg_eps I``) come from
    the (K, K) Gram matrix; the dual problems are solved exactly
    (:func:`nonnegative_qp`, where TorchJD calls quadprog).

    Convention: the total is ``sum_i w_i L_i`` (``w`` detached), so the
    shared tensors get the UPGrad aggregation and each head its own loss's
    gradient times ``w_i >= 1/K`` (TorchJD's ``mtl_backward`` gives the
    heads weight 1 instead); the reported weights are ``w``. Like
    TorchJD's, the ``norm_eps`` threshold is absolute: when the squared
    gradient norms sum to less than ``norm_eps`` the weights are the
    mean, ``1/K`` each; with tiny gradients (check ``||g_i||^2``) lower
    it, e.g. ``norm_eps=0``.

    State: the last weights (buffer ``last_weights``, ``1/K`` at first),
    used before the first step, in eval mode and on steps with non-finite
    gradients.

    Cost per training step: one ``autograd.grad`` per loss and the (K, P)
    gradient matrix, as MGDA; the solve is ``2^K`` (K, K) LU solves with K
    right-hand sides on the device, in float64, no host read, for K <= 10;
    beyond, K ``scipy.optimize.nnls`` calls on the host (a device-host copy
    of the Gram matrix per step).

    Args:
        norm_eps (float): Trace of the Gram matrix below which it counts as
            zero. Defaults to 1e-4.
        reg_eps (float): Added to the diagonal of the normalised Gram
            matrix. Defaults to 1e-4.
        mode (str): ``'params'`` or ``'representation'``. Defaults to
            ``'params'``.
        nonfinite (str): See :class:`BaseWeighter`.
        single_backward (bool): See :class:`GradientWeighter`. Defaults to
            True.
    """

    gradient_input = 'gram'

    def __init__(self, norm_eps: float = 1e-4, reg_eps: float = 1e-4,
                 mode: str = 'params', nonfinite: str = 'raise',
                 single_backward: bool = True) -> None:
        super().__init__(mode=mode, nonfinite=nonfinite,
                         single_backward=single_backward)
        self.norm_eps = check_number('UPGrad', 'norm_eps', norm_eps, low=0.0)
        self.reg_eps = check_number('UPGrad', 'reg_eps', reg_eps, low=0.0)

    def init_state(self, num_losses: int) -> None:
        self.register_buffer(
            'last_weights', torch.full((num_losses,), 1.0 / num_losses,
                                       device=self.step.device))

    def current_weights(self) -> Tensor:
        return self.last_weights

    def update(self, gram: Tensor, observed: Tensor) -> Tensor:
        weights = upgrad_weights(gram, self.norm_eps, self.reg_eps)
        self.last_weights.copy_(weights)
        return self.last_weights

    def extra_repr(self) -> str:
        return (f'norm_eps={self.norm_eps}, reg_eps={self.reg_eps}, '
                + super().extra_repr())
