"""Aligned-MTL: the gradients made orthogonal and of equal norm."""
import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .gradient_weighter import GradientStep, GradientWeighter


def aligned_coefficients(gram: Tensor) -> Tensor:
    """Aligned-MTL's coefficients ``alpha``, the shared gradient being
    ``sum_i alpha_i g_i``.

    As the authors' code (through LibMTL): the eigendecomposition ``G = V
    Lambda V^T`` keeps the eigenvalues above ``tol = lambda_max * K *
    eps`` (``eps`` of float32, the tolerance of the authors' code), ``B =
    sqrt(lambda_min) V Lambda^{-1/2} V^T`` over the kept ones
    (``lambda_min`` the smallest kept), and ``alpha = B 1`` (unit task
    weights). Then ``J^T B`` has orthogonal columns of norm
    ``sqrt(lambda_min)``. A zero gradient gets ``alpha_i = 0``; when all
    are zero (nothing kept; the authors' code fails there), ``alpha = 0``.
    Computed in float64.

    Args:
        gram (Tensor): (K, K) Gram matrix ``<g_i, g_j>``.

    Returns:
        Tensor: (K,) float64 coefficients.
    """
    gram = gram.double()
    values, vectors = torch.linalg.eigh(gram)
    tol = values.amax() * len(gram) * torch.finfo(torch.float32).eps
    kept = values > tol
    smallest = torch.where(kept, values,
                           torch.full_like(values, float('inf'))).amin()
    scale = torch.where(kept.any(), smallest, torch.zeros_like(smallest))
    inverse_roots = torch.where(kept, values.clamp_min(1e-300).rsqrt(),
                                torch.zeros_like(values))
    basis = scale.sqrt() * (vectors * inverse_roots) @ vectors.T
    return basis.sum(1)


@WEIGHTERS.register_module()
class AlignedMTL(GradientWeighter):
    """Aligned-MTL (Senushkin, Patakin, Kuznetsov & Konushin, "Independent
    Component Alignment for Multi-Task Learning", CVPR 2023).

    The gradient matrix is aligned, ``J -> J^T B`` with ``B = sqrt(
    lambda_min) G^{-1/2}``: its columns become orthogonal with equal norms
    (the condition number of the linear system becomes 1), and the shared
    gradient is the sum of the aligned gradients, ``d = sum_i alpha_i
    g_i`` with ``alpha = B 1`` (:func:`aligned_coefficients`, from the
    (K, K) Gram matrix; small eigenvalues are dropped with the authors'
    tolerance). ``d`` is set exactly on the shared tensors.

    Convention: the heads get their own loss's gradient with weight 1, as
    in the authors' code and LibMTL (only the shared gradient is
    replaced); ``alpha`` is not used as loss weights because it can be
    zero (a zero gradient, or one in the span of the others' dropped
    directions) or negative. The reported weights are ``alpha``, as
    LibMTL returns. The total's value is ``sum_i L_i``. Stateless: before
    the first step and in eval mode the weights are 1. In
    ``'representation'`` mode the Gram matrix is that of the whole
    flattened representation gradients (``sum_b <g_ib, g_jb>`` over the
    samples ``b``); LibMTL's ``rep_grad`` path sums each gradient over
    the samples first (``<sum_b g_ib, sum_b g_jb>``).

    Cost per training step: one ``autograd.grad`` per loss and the (K, P)
    gradient matrix, and one (K, K) symmetric eigendecomposition on the
    device (``torch.linalg.eigh`` checks its convergence, a host
    synchronisation on CUDA).

    Args:
        mode (str): ``'params'`` or ``'representation'``. Defaults to
            ``'params'``.
        nonfinite (str): See :class:`BaseWeighter`.
        single_backward (bool): See :class:`GradientWeighter`. Defaults to
            True.
    """

    gradient_input = 'gram'

    def current_weights(self) -> Tensor:
        return torch.ones(len(self.loss_names), device=self.step.device)

    def update(self, gram: Tensor, observed: Tensor) -> GradientStep:
        coefficients = aligned_coefficients(gram)
        return GradientStep(self.current_weights(),
                            coefficients=coefficients,
                            reported=coefficients.float())
