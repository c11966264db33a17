"""Euclidean projection onto the probability simplex."""
import torch
from torch import Tensor


def project_simplex(values: Tensor) -> Tensor:
    """The closest point of ``{w : w >= 0, sum_i w_i = 1}`` to ``values``.

    The sort-based algorithm (Held, Wolfe, Crowder 1974; Duchi et al.,
    "Efficient Projections onto the l1-Ball for Learning in High
    Dimensions", ICML 2008): with ``u`` sorted in decreasing order and
    ``rho`` the number of ``j`` with ``u_j > (sum_{k<=j} u_k - 1) / j``,
    ``theta = (sum_{k<=rho} u_k - 1) / rho`` and ``w = max(values - theta,
    0)``. Computed on the device, without a host read.

    Args:
        values (Tensor): (K,) a point.

    Returns:
        Tensor: (K,) its projection.
    """
    ordered = torch.sort(values, descending=True).values
    partial = ordered.cumsum(0) - 1
    counts = torch.arange(1, values.numel() + 1, device=values.device,
                          dtype=values.dtype)
    rho = (ordered - partial / counts > 0).sum().clamp_min(1)
    theta = partial.gather(0, (rho - 1).view(1)) / rho.to(values.dtype)
    return (values - theta).clamp_min(0)
