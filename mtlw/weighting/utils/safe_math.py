"""Division and normalisation that stay finite, for the weighting rules."""
import torch
from torch import Tensor


def safe_div(numerator: Tensor, denominator: Tensor,
             fallback: float = 0.0) -> Tensor:
    """``numerator / denominator`` where ``denominator > 0``, else
    ``fallback``.

    Losses and their statistics are non-negative, so a zero denominator means
    a loss that is exactly zero (or has been so far). Computed with
    ``torch.where`` on the device: no host synchronisation.

    Args:
        numerator (Tensor): Dividend.
        denominator (Tensor): Divisor, broadcastable to ``numerator``.
        fallback (float): Value where ``denominator <= 0``. Defaults to 0.

    Returns:
        Tensor: The guarded quotient, finite wherever the inputs are.
    """
    positive = denominator > 0
    divisor = torch.where(positive, denominator, torch.ones_like(denominator))
    return torch.where(positive, numerator / divisor, fallback)


def normalize_sum(values: Tensor) -> Tensor:
    """``values / sum(values)``, or ``1/K`` everywhere if the sum is not > 0.

    Args:
        values (Tensor): (K,) non-negative values.

    Returns:
        Tensor: (K,) weights that sum to 1.
    """
    uniform = torch.full_like(values, 1.0 / values.numel())
    total = values.sum()
    return torch.where(total > 0, safe_div(values, total), uniform)
