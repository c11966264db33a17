"""The positive solution of ``G w = w^(-1/alpha)`` from a Gram matrix.

The equation of Nash-MTL (Navon et al., "Multi-Task Learning as a
Bargaining Game", ICML 2022; ``alpha = 1``: ``(G w)_i = 1 / w_i``) and of
FairGrad (Ban & Ji, "Fair Resource Allocation in Multi-Task Learning",
ICML 2024; any ``alpha > 0``). Its positive solution is the minimiser of
the strictly convex

    ``f(w) = 1/2 w^T G w - sum_i h(w_i)``,  ``h'(w) = w^(-1/alpha)``

(``h = log`` for ``alpha = 1``, else ``h(w) = w^(1 - 1/alpha) / (1 -
1/alpha)``) over ``w > 0``, found here by damped Newton steps on the
device: a fixed number of iterations, no host reads.
"""
import math
from typing import Tuple

import torch
from torch import Tensor

#: A loss whose squared gradient norm is at most this times the largest
#: one counts as having a zero gradient (norm ratio 1e-12).
ZERO_GRADIENT = 1e-24
#: The largest relative residual ``|w_i^(1/alpha) (G w)_i - 1|`` of an
#: accepted solution.
TOLERANCE = 1e-6
#: The fraction of the way to the boundary ``w_i = 0`` a step may go.
TO_BOUNDARY = 0.995
#: Step sizes tried per iteration: ``t_max * 2^-j`` for ``j < STEP_SIZES``.
STEP_SIZES = 12


def power_equation_solver(gram: Tensor, alpha: float = 1.0,
                          iterations: int = 20) -> Tuple[Tensor, Tensor]:
    """Solve ``(G w)_i = w_i^(-1/alpha)``, ``w > 0``, on the device.

    The matrix is divided by its Frobenius norm ``s`` (as Navon et al.'s
    code does for its solver); the solution ``u`` of the normalised
    equation gives ``w = s^(-alpha / (1 + alpha)) u``. Newton's method
    starts from the solution for orthogonal gradients,
    ``u_i = G_ii^(-alpha / (1 + alpha))``, scaled to the minimum of ``f``
    along that ray. Each iteration solves the K x K Newton system
    ``(G + diag(h''))`` (symmetrically scaled, in float64), shortens the
    step to keep ``w`` positive (at most :data:`TO_BOUNDARY` of the way to
    ``w_i = 0``), then takes the step size with the lowest ``f`` among
    :data:`STEP_SIZES` halvings. ``f`` is self-concordant for
    ``alpha = 1``, so the iterations converge globally and quadratically
    near the solution; the result is exact to float64 rounding, where the
    authors' solvers (a sequence of convex programs, or
    ``scipy.optimize.least_squares``) stop at a tolerance.

    Zero gradients: a loss whose ``G_ii`` is at most :data:`ZERO_GRADIENT`
    times the largest has no finite solution (its ``w_i`` grows without
    bound while ``w_i g_i`` stays 0); it gets ``w_i = 0`` and the others
    solve the equation among themselves, their limit as ``w_i`` grows.

    No solution: when a non-negative combination of the other gradients
    is zero (e.g. two exactly opposite gradients) ``f`` is unbounded
    below and the equation has no positive solution. Every result is
    checked: ``converged`` is False unless all entries are finite and the
    relative residual ``max_i |w_i^(1/alpha) (G w)_i - 1|`` over the
    non-zero losses is at most :data:`TOLERANCE`; callers then keep their
    previous weights. A near-singular problem whose solution Newton's
    method does not reach in ``iterations`` steps counts as not converged.

    Args:
        gram (Tensor): (K, K) symmetric positive semi-definite Gram matrix
            ``G_ij = <g_i, g_j>``, finite.
        alpha (float): The exponent; 1 for Nash-MTL. Must be > 0.
            Defaults to 1.
        iterations (int): Newton iterations. Defaults to 20.

    Returns:
        tuple[Tensor, Tensor]: ``w``, (K,) float64 on the device of
        ``gram`` (0 for zero gradients), and ``converged``, a 0-dim bool
        tensor.
    """
    if gram.dim() != 2 or gram.shape[0] != gram.shape[1]:
        raise ValueError(f'power_equation_solver needs a square (K, K) Gram '
                         f'matrix, got shape {tuple(gram.shape)}')
    if not alpha > 0:
        raise ValueError(f'power_equation_solver alpha must be > 0, got '
                         f'{alpha!r}')
    gram = gram.detach().double()
    gram = (gram + gram.T) / 2
    scale = torch.linalg.matrix_norm(gram)
    normalised = gram / torch.where(scale > 0, scale, torch.ones_like(scale))
    zero = _zero_gradients(normalised)
    # A zero-gradient loss is decoupled (row and column of the identity):
    # its entry solves u = u^(-1/alpha), i.e. 1, and is then set to 0.
    decoupled = zero[:, None] | zero[None, :]
    normalised = torch.where(decoupled, torch.zeros_like(normalised),
                             normalised) + torch.diag(zero.double())
    power = 1.0 / alpha
    u = _start(normalised, power)
    for _ in range(iterations):
        u = _newton_step(normalised, u, power)
    weights = u * scale.clamp_min(1e-300) ** (-alpha / (1 + alpha))
    weights = torch.where(zero, torch.zeros_like(weights), weights)
    residual = (u.pow(power) * (normalised @ u) - 1).abs()
    residual = torch.where(zero, torch.zeros_like(residual), residual)
    converged = (torch.isfinite(weights).all() & torch.isfinite(residual).all()
                 & (residual.max() <= TOLERANCE))
    return weights, converged


def _zero_gradients(gram: Tensor) -> Tensor:
    """(K,) whether each loss's squared gradient norm counts as zero."""
    diagonal = gram.diagonal()
    return diagonal <= ZERO_GRADIENT * diagonal.max().clamp_min(0)


def _change(gram: Tensor, u: Tensor, direction: Tensor, sizes: Tensor,
            power: float) -> Tensor:
    """``f(u + t d) - f(u)`` for each step size ``t`` in ``sizes``, written
    so that it does not cancel (``log1p``, ``expm1``): accurate even when
    the change is far below the rounding of ``f`` itself."""
    linear = sizes * ((gram @ u) @ direction)
    quadratic = 0.5 * sizes.square() * (direction @ gram @ direction)
    relative = torch.log1p(sizes[:, None] * (direction / u))
    if power == 1.0:
        utility = relative.sum(-1)
    else:
        utility = (u.pow(1 - power) / (1 - power)
                   * torch.expm1((1 - power) * relative)).sum(-1)
    return linear + quadratic - utility


def _start(gram: Tensor, power: float) -> Tensor:
    """The orthogonal-gradient solution ``G_ii^(-1/(1+p))``, scaled by the
    ``c`` minimising ``f(c u)``: ``c^(1+p) = sum u_i^(1-p) / u^T G u``."""
    diagonal = gram.diagonal()
    u = torch.where(diagonal > 0, diagonal, torch.ones_like(diagonal)).pow(
        -1 / (1 + power))
    curvature = u @ gram @ u
    ratio = u.pow(1 - power).sum() / torch.where(
        curvature > 0, curvature, torch.ones_like(curvature))
    return u * torch.where(curvature > 0, ratio, torch.ones_like(ratio)).pow(
        1 / (1 + power))


def _newton_step(gram: Tensor, u: Tensor, power: float) -> Tensor:
    """One damped Newton step of ``f`` from ``u > 0``, staying > 0."""
    gradient = gram @ u - u.pow(-power)
    hessian = gram + torch.diag(power * u.pow(-power - 1))
    # Symmetric diagonal scaling: a unit diagonal for the solve.
    inverse_root = hessian.diagonal().rsqrt()
    scaled = hessian * inverse_root[:, None] * inverse_root[None, :]
    solution, _ = torch.linalg.solve_ex(scaled, -gradient * inverse_root)
    direction = solution * inverse_root
    shrinking = direction < 0
    ratios = torch.where(shrinking, -u / torch.where(
        shrinking, direction, -torch.ones_like(direction)),
        torch.full_like(u, math.inf))
    largest = (TO_BOUNDARY * ratios.min()).clamp(max=1.0)
    sizes = largest * torch.pow(
        0.5, torch.arange(STEP_SIZES, dtype=u.dtype, device=u.device))
    sizes = torch.cat([sizes.new_zeros(1), sizes])  # 0: stay
    changes = _change(gram, u, direction, sizes, power)
    changes = torch.where(torch.isfinite(changes), changes,
                          torch.full_like(changes, math.inf))
    # index_select keeps the choice on the device (no host read).
    size = sizes.index_select(0, changes.argmin().reshape(1))
    return u + size * direction


def solve_or_keep(gram: Tensor, previous: Tensor, alpha: float,
                  iterations: int) -> Tuple[Tensor, Tensor]:
    """:func:`power_equation_solver`, keeping ``previous`` where it fails.

    Args:
        gram (Tensor): (K, K) Gram matrix.
        previous (Tensor): (K,) the weights in force.
        alpha (float): The exponent (1: Nash-MTL).
        iterations (int): Newton iterations.

    Returns:
        tuple[Tensor, Tensor]: The (K,) weights, of the dtype and device
        of ``previous``, and whether the solve failed (a 0-dim long
        tensor, 1 if ``previous`` was kept), all on the device.
    """
    weights, converged = power_equation_solver(gram, alpha, iterations)
    weights = torch.where(converged, weights.to(previous), previous)
    return weights, (~converged).long()
