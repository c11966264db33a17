"""The min-norm point in the convex hull of gradients, from their Gram matrix.

The solver of MGDA (Sener & Koltun, "Multi-Task Learning as Multi-Objective
Optimization", NeurIPS 2018): find ``alpha`` on the simplex minimising
``||sum_i alpha_i g_i||^2 = alpha^T G alpha`` with ``G_ij = <g_i, g_j>``.
Everything here works on the (K, K) Gram matrix only.
"""
from typing import Tuple

import numpy as np
import torch
from torch import Tensor


def min_norm_pair(v11: np.ndarray, v12: np.ndarray,
                  v22: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Closed-form min-norm point on the segment between two vectors.

    Minimises ``||gamma v1 + (1 - gamma) v2||^2`` over ``gamma in [0, 1]``:
    ``gamma = (v22 - v12) / (v11 + v22 - 2 v12)`` clipped to ``[0, 1]``, and
    ``gamma = 1`` when ``v1 == v2``. The authors' code stops at 0.999 and
    0.001 instead of the end points 1 and 0. Elementwise on numpy arrays
    (or floats) of any shape.

    Args:
        v11 (np.ndarray): ``<v1, v1>``.
        v12 (np.ndarray): ``<v1, v2>``.
        v22 (np.ndarray): ``<v2, v2>``.

    Returns:
        tuple[np.ndarray, np.ndarray]: ``gamma`` (the weight of ``v1``) and
        the squared norm at the minimum.
    """
    v11, v12, v22 = (np.asarray(v, dtype=np.float64) for v in (v11, v12, v22))
    denominator = v11 + v22 - 2 * v12
    safe = np.where(denominator > 0, denominator, 1.0)
    gamma = np.clip(np.where(denominator > 0, (v22 - v12) / safe, 1.0),
                    0.0, 1.0)
    cost = (gamma**2 * v11 + 2 * gamma * (1 - gamma) * v12
            + (1 - gamma)**2 * v22)
    return gamma, cost


def min_norm_solver(gram: Tensor, max_iter: int = 250,
                    stop_crit: float = 1e-5) -> Tensor:
    """Weights on the simplex of the min-norm combination of K vectors.

    As Sener & Koltun's solver: start from the best pair (the closed form of
    :func:`min_norm_pair` for every pair, lowest norm wins), which is exact
    for K = 2; for K > 2 run Frank-Wolfe steps: move towards the vertex
    ``t = argmin_i (G alpha)_i`` with the exact line search of
    :func:`min_norm_pair`, until the L1 change of ``alpha`` is below
    ``stop_crit`` or after ``max_iter`` steps. The iterations run on the
    host in float64 (one copy of the K x K matrix).

    Args:
        gram (Tensor): (K, K) symmetric Gram matrix, finite.
        max_iter (int): Most Frank-Wolfe steps. Defaults to 250.
        stop_crit (float): Stop when ``sum |alpha_new - alpha|`` is below
            this. Defaults to 1e-5.

    Returns:
        Tensor: (K,) float64 ``alpha >= 0`` with ``sum alpha = 1``, on the
        device of ``gram``.
    """
    if gram.dim() != 2 or gram.shape[0] != gram.shape[1]:
        raise ValueError(f'min_norm_solver needs a square (K, K) Gram '
                         f'matrix, got shape {tuple(gram.shape)}')
    matrix = gram.detach().double().cpu().numpy()
    alpha = _best_pair(matrix)
    if len(alpha) > 2:
        alpha = _frank_wolfe(matrix, alpha, max_iter, stop_crit)
    return torch.from_numpy(alpha).to(gram.device)


def _best_pair(matrix: np.ndarray) -> np.ndarray:
    """The min-norm point over all segments between two of the vectors."""
    num = len(matrix)
    alpha = np.zeros(num)
    if num == 1:
        return alpha + 1
    rows, cols = np.triu_indices(num, 1)
    gammas, costs = min_norm_pair(matrix[rows, rows], matrix[rows, cols],
                                  matrix[cols, cols])
    best = costs.argmin()
    alpha[rows[best]] = gammas[best]
    alpha[cols[best]] = 1 - gammas[best]
    return alpha


def _frank_wolfe(matrix: np.ndarray, alpha: np.ndarray, max_iter: int,
                 stop_crit: float) -> np.ndarray:
    """Frank-Wolfe steps with exact line search from ``alpha``."""
    for _ in range(max_iter):
        gram_alpha = matrix @ alpha
        vertex = gram_alpha.argmin()
        gamma, _ = min_norm_pair(alpha @ gram_alpha, gram_alpha[vertex],
                                 matrix[vertex, vertex])
        new_alpha = gamma * alpha
        new_alpha[vertex] += 1 - gamma
        change = np.abs(new_alpha - alpha).sum()
        alpha = new_alpha
        if change < stop_crit:
            break
    return alpha
