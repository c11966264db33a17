"""Mean over the valid entries of a tensor, zero when none is valid."""
from typing import Optional

from torch import Tensor


def masked_mean(values: Tensor, valid: Optional[Tensor] = None) -> Tensor:
    """Mean of ``values`` where ``valid`` is True (every entry if None).

    A batch without a valid entry gives 0 (with the graph of ``values``, so
    the backward still runs) instead of NaN.

    Args:
        values (Tensor): Any shape.
        valid (Tensor, optional): Bool mask broadcastable to ``values``.

    Returns:
        Tensor: A scalar.
    """
    if valid is None:
        return values.mean()
    valid = valid.expand_as(values)
    return (values * valid).sum() / valid.sum().clamp(min=1)
