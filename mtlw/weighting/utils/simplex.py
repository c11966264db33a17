"""Euclidean projection onto the probability simplex, on the device."""
import torch
from torch import Tensor


def project_to_simplex(values: Tensor) -> Tensor:
    """The point of ``{w : w_i >= 0, sum_i w_i = 1}`` nearest to ``values``.

    The sort-based projection (Duchi et al., "Efficient Projections onto
    the l1-Ball for Learning in High Dimensions", ICML 2008):
    ``w = max(v - theta, 0)`` with ``theta = (sum_{j <= r} u_j - 1) / r``,
    ``u`` the values sorted in decreasing order and ``r`` the largest index
    with ``u_r > (sum_{j <= r} u_j - 1) / r``. The largest value is
    subtracted first (the projection does not change when a constant is
    added to every entry), so ``r >= 1`` holds in floating point even for
    huge values. Tensor operations only: no host read.

    Args:
        values (Tensor): (K,) point to project.

    Returns:
        Tensor: (K,) its projection.
    """
    values = values - values.max()
    ordered = torch.sort(values, descending=True).values
    excess = ordered.cumsum(0) - 1
    index = torch.arange(1, values.numel() + 1, device=values.device,
                         dtype=values.dtype)
    count = torch.where(ordered > excess / index, index,
                        torch.zeros_like(index)).max().clamp_min(1)
    theta = excess.gather(0, (count.long() - 1).reshape(1)) / count
    return (values - theta).clamp_min(0)
