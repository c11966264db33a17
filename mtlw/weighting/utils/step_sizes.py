"""Decaying step sizes of the stochastic rules (MoCo, DB-MTL)."""
from torch import Tensor


def decayed_rate(rate: float, decay: float, count: Tensor) -> Tensor:
    """``rate / count**decay``, the step size of update number ``count``.

    Args:
        rate (float): The initial step size.
        decay (float): The exponent; 0 keeps ``rate``.
        count (Tensor): Number of this update, counting from 1 (a scalar
            buffer on the device).

    Returns:
        Tensor: The float64 scalar step size, computed on the device.
    """
    return rate / count.double().pow(decay)
