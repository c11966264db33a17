"""Shared helpers for the weighting-rule tests."""
from typing import Callable, Dict, Sequence, Tuple

import numpy as np
import pytest
import torch

#: Three losses in two tasks, the default test setting.
NAMES = ('a.loss_x', 'a.loss_y', 'b.loss_z')


def as_losses(values: Sequence[float], names: Sequence[str] = NAMES,
              requires_grad: bool = False, device: str = 'cpu'
              ) -> Dict[str, torch.Tensor]:
    """A loss dict of scalar tensors."""
    return {name: torch.tensor(float(value), device=device,
                               requires_grad=requires_grad)
            for name, value in zip(names, values)}


def feed(weighter: torch.nn.Module, rows: Sequence[Sequence[float]],
         names: Sequence[str] = NAMES) -> Tuple[np.ndarray, np.ndarray]:
    """Call ``weighter`` once per row; return the totals (N,) and the
    weights (N, K) as float64 arrays."""
    totals, weights = [], []
    for row in rows:
        total, by_name = weighter(as_losses(row, names))
        totals.append(float(total.detach()))
        weights.append([float(by_name[name]) for name in names])
    return np.array(totals), np.array(weights)


@pytest.fixture
def feed_rows() -> Callable:
    """:func:`feed` as a fixture."""
    return feed


@pytest.fixture
def make_losses() -> Callable:
    """:func:`as_losses` as a fixture."""
    return as_losses
