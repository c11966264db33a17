"""Shared helpers for the weighting-rule tests."""
import logging
from typing import Callable, Dict, List, Sequence, Tuple

import numpy as np
import pytest
import torch
from mmengine.logging import MMLogger

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


@pytest.fixture
def logged_warnings() -> List[str]:
    """The messages of warnings logged through mmengine's current logger
    during the test."""
    messages = []
    handler = logging.Handler(level=logging.WARNING)
    handler.emit = lambda record: messages.append(record.getMessage())
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    yield messages
    logger.removeHandler(handler)
