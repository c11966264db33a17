"""Exact small quadratic programs over the faces of the orthant or simplex.

The gradient rules solve problems with a handful of variables (one per
loss): projections onto a dual cone (UPGrad), min-norm points of a convex
hull (MGDA), CAGrad's conflict-averse weights. For K variables there are
only ``2^K`` candidate supports (faces), so this module solves the problem
restricted to every face at once, as one batch of (K, K) linear systems
(``torch.linalg.solve_ex``: LU, no host synchronisation), and keeps the
candidate that satisfies the Karush-Kuhn-Tucker (KKT) conditions best:
the exact optimum, up to rounding, without iterations or tolerances. On
each face the variables outside it are fixed at 0 (an identity block in
the system); a face whose system is singular gives no candidate. A convex
problem always has an optimum at a vertex of its optimal set, whose face
system is non-singular, so some candidate is the optimum.

Up to :data:`EXACT_MAX_SIZE` variables (1024 faces) this runs on the
device; beyond, :func:`nonnegative_qp` uses ``scipy.optimize.nnls`` on the
host (exact too, one device-host copy of the (K, K) matrix).
"""
from typing import Tuple

import numpy as np
import torch
from scipy.optimize import nnls
from torch import Tensor

#: Most variables solved by enumerating faces on the device (2^10 faces).
EXACT_MAX_SIZE = 10


def face_masks(size: int, device: torch.device = None) -> Tensor:
    """Every subset of ``size`` variables as a boolean mask.

    Args:
        size (int): K.
        device (torch.device, optional): Where to build the masks.

    Returns:
        Tensor: (2^K, K) bool; row ``n`` holds the binary digits of ``n``
        (row 0 is the empty face).
    """
    codes = torch.arange(2**size, device=device)[:, None]
    bits = torch.arange(size, device=device)
    return (codes >> bits) & 1 == 1


def solve_on_faces(matrix: Tensor, rhs: Tensor, masks: Tensor,
                   bordered: bool = False) -> Tuple[Tensor, Tensor]:
    """Solve ``matrix`` restricted to each face, zero outside it.

    For the face ``S`` the system is ``M_SS x_S = r_S`` with ``x = 0``
    outside ``S``; ``bordered=True`` adds the simplex row and column:
    ``[[M_SS, 1_S], [1_S^T, 0]] [x_S; nu] = [r_S; r_K]``, where ``rhs``
    has K + 1 rows.

    Args:
        matrix (Tensor): (K, K) float64.
        rhs (Tensor): (K, R) or, bordered, (K + 1, R) right-hand sides.
        masks (Tensor): (N, K) bool faces (:func:`face_masks`).
        bordered (bool): Whether to add the simplex constraint.

    Returns:
        tuple[Tensor, Tensor]: (N, K[+1], R) solutions (0 where the
        system is singular) and (N,) whether each system was solved.
    """
    inside = masks.to(matrix.dtype)
    systems = (matrix * inside[:, :, None] * inside[:, None, :]
               + torch.diag_embed(1 - inside))
    sides = rhs[None] * inside[:, :, None] if not bordered else None
    if bordered:
        num = len(masks)
        column = inside[:, :, None]
        corner = torch.zeros(num, 1, 1, dtype=matrix.dtype,
                             device=matrix.device)
        systems = torch.cat([torch.cat([systems, column], 2),
                             torch.cat([column.transpose(1, 2), corner], 2)],
                            1)
        keep = torch.cat([inside, torch.ones_like(inside[:, :1])], 1)
        sides = rhs[None] * keep[:, :, None]
    solutions, info = torch.linalg.solve_ex(systems, sides)
    solved = (info == 0) & torch.isfinite(solutions).flatten(1).all(1)
    return torch.where(solved[:, None, None], solutions,
                       torch.zeros_like(solutions)), solved


def pick_faces(candidates: Tensor, violations: Tensor) -> Tensor:
    """The candidate of least KKT violation, per right-hand side.

    Args:
        candidates (Tensor): (N, K, R) solutions per face.
        violations (Tensor): (N, R) KKT violations (inf: no candidate).

    Returns:
        Tensor: (K, R) the chosen solutions.
    """
    best = violations.argmin(0)
    columns = torch.arange(candidates.shape[2], device=candidates.device)
    return candidates[best, :, columns].T


def nonnegative_qp(matrix: Tensor, linear: Tensor) -> Tensor:
    """``argmin_{x >= 0} 1/2 x^T Q x + c^T x``, exactly, for each ``c``.

    ``Q`` must be symmetric positive semi-definite with every ``c`` in its
    range (so the minimum exists; positive definite ``Q`` always works).
    ``Q`` and ``c`` are scaled by the trace of ``Q`` first (the minimiser
    does not change). Up to :data:`EXACT_MAX_SIZE` variables, every face
    ``S`` gives ``x_S = -Q_SS^{-1} c_S`` (:func:`solve_on_faces`) and the
    kept one best satisfies the KKT conditions ``x >= 0``, ``(Qx + c)_S =
    0`` and ``(Qx + c)_j >= 0`` off ``S`` (largest violation among them
    smallest). Beyond, on the host: with ``Q = A^T A`` from its
    eigendecomposition and ``A^T y = -c``, ``scipy.optimize.nnls(A, y)``
    per column.

    Args:
        matrix (Tensor): (K, K) ``Q``.
        linear (Tensor): (K,) or (K, R) ``c``.

    Returns:
        Tensor: ``x`` (float64, the shape of ``linear``, >= 0), on the
        device of ``matrix``.
    """
    if matrix.dim() != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f'nonnegative_qp needs a square (K, K) matrix, got '
                         f'shape {tuple(matrix.shape)}')
    if linear.shape[0] != matrix.shape[0] or linear.dim() > 2:
        raise ValueError(f'nonnegative_qp needs a linear term of shape (K,) '
                         f'or (K, R) with K = {matrix.shape[0]}, got shape '
                         f'{tuple(linear.shape)}')
    single = linear.dim() == 1
    scale = matrix.double().diagonal().sum().clamp_min(1e-300)
    quad = matrix.double() / scale
    lin = (linear.double() / scale).reshape(len(quad), -1)
    if len(quad) > EXACT_MAX_SIZE:
        solution = _host_nonnegative_qp(quad, lin)
    else:
        solution = _faces_nonnegative_qp(quad, lin)
    return solution[:, 0] if single else solution


def _faces_nonnegative_qp(quad: Tensor, lin: Tensor) -> Tensor:
    """:func:`nonnegative_qp` by enumerating the faces on the device."""
    masks = face_masks(len(quad), quad.device)
    candidates, solved = solve_on_faces(quad, -lin, masks)
    gradients = quad @ candidates + lin
    inside = masks[:, :, None]
    violations = torch.where(
        inside, torch.maximum(-candidates, gradients.abs()),
        -gradients).amax(1)
    violations = torch.where(solved[:, None], violations,
                             torch.full_like(violations, float('inf')))
    return pick_faces(candidates, violations).clamp_min(0)


def _host_nonnegative_qp(quad: Tensor, lin: Tensor) -> Tensor:
    """:func:`nonnegative_qp` with ``scipy.optimize.nnls`` on the host."""
    values, vectors = np.linalg.eigh(quad.cpu().numpy())
    keep = values > max(values.max(), 0.0) * 1e-12
    roots = np.sqrt(values[keep])
    factor = roots[:, None] * vectors[:, keep].T
    targets = -(vectors[:, keep].T @ lin.cpu().numpy()) / roots[:, None]
    columns = [nnls(factor, target)[0] for target in targets.T]
    return torch.from_numpy(np.stack(columns, 1)).to(quad.device)


def exact_min_norm(gram: Tensor) -> Tensor:
    """Exact min-norm point of the convex hull of K vectors (MGDA's problem).

    ``alpha = argmin_{alpha in simplex} alpha^T G alpha``, from the Gram
    matrix ``G`` (scaled to unit trace). With ``x`` the solution of the
    non-negative problem ``min_{x >= 0} ||J^T x||^2 + (1^T x - 1)^2``
    (:func:`nonnegative_qp` with ``Q = G + 1 1^T``, ``c = -1``),
    ``alpha = x / 1^T x``: for ``x = s alpha`` the objective is ``s^2
    alpha^T G alpha + (s - 1)^2``, minimised over the simplex by the
    min-norm ``alpha`` whatever ``s > 0``. Where the minimiser is not
    unique (e.g. two equal vectors), one of the minimisers is returned.

    Args:
        gram (Tensor): (K, K) Gram matrix ``<g_i, g_j>``.

    Returns:
        Tensor: (K,) float64 ``alpha >= 0`` with ``sum alpha = 1``.
    """
    if gram.dim() != 2 or gram.shape[0] != gram.shape[1]:
        raise ValueError(f'exact_min_norm needs a square (K, K) Gram '
                         f'matrix, got shape {tuple(gram.shape)}')
    gram = gram.double()
    gram = gram / gram.diagonal().sum().clamp_min(1e-300)
    ones = torch.ones(len(gram), dtype=gram.dtype, device=gram.device)
    weights = nonnegative_qp(gram + 1, -ones)
    return weights / weights.sum()
