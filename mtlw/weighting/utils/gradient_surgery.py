"""Gradient surgery as coefficients over the original loss gradients.

Rules that modify each loss gradient by adding multiples of the others
(PCGrad, GradVac) keep every modified gradient as coefficients over the
originals, ``g_i' = sum_j C_ij g_j``, so that every product they need
follows from the Gram matrix ``G``: ``<g_i', g_j> = (C G)_ij`` and
``||g_i'||^2 = (C G C^T)_ii``. The aggregated gradient is
``sum_i g_i' = c^T g`` with ``c = sum_i C_i``, exactly the vector the
same rule computes on the gradient vectors.
"""
from typing import Callable, List, Sequence

import torch
import torch.distributed as dist
from torch import Tensor

from ..base import all_reduce_mean

#: ``adjust(i, j, row, product)``: the amount added to ``C[:, i, j]`` given
#: the current coefficients ``row`` (N, K) of ``g_i'`` and the products
#: ``<g_i', g_j>`` (N,), one per group.
Adjustment = Callable[[int, int, Tensor, Tensor], Tensor]


def surgery_coefficients(grams: Tensor, orders: Sequence[Sequence[int]],
                         adjust: Adjustment) -> Tensor:
    """Track the modified gradients of a surgery rule as coefficients.

    For every loss ``i`` in turn, ``g_i'`` starts as ``g_i``; for every
    ``j`` of ``orders[i]`` in that order, ``g_i' += a g_j`` with ``a`` given
    by ``adjust`` from the current ``<g_i', g_j>``. Groups (e.g. the layers
    of a network) are handled at once: each has its own Gram matrix and
    coefficients.

    Args:
        grams (Tensor): (N, K, K) Gram matrices of N groups.
        orders (Sequence[Sequence[int]]): For each loss ``i``, the losses
            ``j`` to visit, in order.
        adjust (Adjustment): See :data:`Adjustment`.

    Returns:
        Tensor: (N, K, K) coefficients ``C``: ``g_i' = sum_j C[n, i, j]
        g_j`` in group ``n``.
    """
    groups, num = grams.shape[0], grams.shape[-1]
    eye = torch.eye(num, dtype=grams.dtype, device=grams.device)
    rows = []
    for i, order in enumerate(orders):
        row = eye[i].expand(groups, num).clone()
        for j in order:
            product = (row * grams[:, :, j]).sum(-1)
            row[:, j] += adjust(i, j, row, product)
        rows.append(row)
    return torch.stack(rows, 1)


def projection_adjustment(grams: Tensor) -> Adjustment:
    """PCGrad's step: project ``g_i'`` on the normal plane of ``g_j`` when
    they conflict, ``a = -<g_i', g_j> / ||g_j||^2`` if the product is
    negative, else 0 (and 0 for a zero ``g_j``).

    Args:
        grams (Tensor): (N, K, K) Gram matrices.

    Returns:
        Adjustment: The step for :func:`surgery_coefficients`.
    """

    def adjust(i: int, j: int, row: Tensor, product: Tensor) -> Tensor:
        squared = grams[:, j, j]
        conflict = (product < 0) & (squared > 0)
        return torch.where(conflict, -product / squared.clamp_min(1e-30),
                           torch.zeros_like(product))

    return adjust


def squared_norms(row: Tensor, grams: Tensor) -> Tensor:
    """``||sum_j row[n, j] g_j||^2`` per group: (N,) ``row G row^T``.

    Args:
        row (Tensor): (N, K) coefficients.
        grams (Tensor): (N, K, K) Gram matrices.

    Returns:
        Tensor: (N,) squared norms, clamped at 0.
    """
    return torch.einsum('nk,nkl,nl->n', row, grams, row).clamp_min(0)


def group_grams(matrix: Tensor, sizes: Sequence[int]) -> Tensor:
    """Gram matrices of consecutive column groups of the gradient matrix.

    Args:
        matrix (Tensor): (K, P) gradients.
        sizes (Sequence[int]): Column counts of the groups (sum P).

    Returns:
        Tensor: (N, K, K) ``G_n = M_n M_n^T``.
    """
    return torch.stack([part @ part.T
                        for part in matrix.split(list(sizes), dim=1)])


def group_directions(coefficients: Tensor, matrix: Tensor,
                     sizes: Sequence[int]) -> Tensor:
    """The flat direction ``[c_1^T M_1, ..., c_N^T M_N]``.

    Args:
        coefficients (Tensor): (N, K) combination of each group.
        matrix (Tensor): (K, P) gradients.
        sizes (Sequence[int]): Column counts of the groups (sum P).

    Returns:
        Tensor: (P,) the direction.
    """
    parts = matrix.split(list(sizes), dim=1)
    return torch.cat([coefficient.to(part.dtype) @ part
                      for coefficient, part in zip(coefficients, parts)])


def global_batch_gram(local: Tensor) -> Tensor:
    """Gram matrices of the global batch's gradients from this rank's.

    In representation mode each rank holds the gradients of its own
    batch-mean losses on its own samples; those of the rank-averaged losses
    are these divided by the world size, so the global Gram matrices are
    the sum over ranks divided by its square. Identity when not
    distributed.

    Args:
        local (Tensor): Gram matrices (any shape) of this rank's rows.

    Returns:
        Tensor: The global ones, identical on every rank.
    """
    if not (dist.is_available() and dist.is_initialized()):
        return local
    world_size = dist.get_world_size()
    return local if world_size == 1 else all_reduce_mean(local) / world_size


def random_orders(generator: torch.Generator, num: int,
                  skip_self: bool) -> List[List[int]]:
    """For each loss ``i``, a random order of the losses ``j`` (one
    ``randperm`` per loss, drawn on the CPU).

    Args:
        generator (torch.Generator): The CPU generator to draw from.
        num (int): K, the number of losses.
        skip_self (bool): Whether ``i`` itself is left out of its order.

    Returns:
        list[list[int]]: K orders.
    """
    orders = [torch.randperm(num, generator=generator).tolist()
              for _ in range(num)]
    return [[j for j in order if not (skip_self and j == i)]
            for i, order in enumerate(orders)]
