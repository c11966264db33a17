"""Runs of a gradient rule over several steps, straight or resumed."""
import copy
from typing import Callable, List, Sequence

import torch

from mtlw.weighting import GradientWeighter
from .gradient_rules import prescribed_step

#: Per-loss gradients of three losses over four steps (they change sign).
SEQUENCE = [
    torch.tensor([[1., 0., .5], [-2., 1., 0.], [0., .3, -1.]]),
    torch.tensor([[.2, 1., 0.], [1., -1., .4], [-.5, 0., 1.]]),
    torch.tensor([[1., 1., 1.], [0., -2., .1], [.7, .2, 0.]]),
    torch.tensor([[-1., .4, 0.], [.5, .5, .5], [0., 0., 2.]]),
]


def shared_gradients(make: Callable[[], GradientWeighter],
                     gradients: Sequence[torch.Tensor] = SEQUENCE,
                     resume_at: int = None) -> List[torch.Tensor]:
    """The shared gradient of every step of a fresh rule from ``make``;
    with ``resume_at``, its state dict after that many steps is loaded
    into another fresh rule, which takes the remaining steps."""
    weighter, results = make(), []
    for index, step in enumerate(gradients):
        if index == resume_at:
            state = copy.deepcopy(weighter.state_dict())
            weighter = make()
            weighter.load_state_dict(state)
        results.append(prescribed_step(weighter, step)['shared'])
    return results


def assert_resume_continues(make: Callable[[], GradientWeighter]) -> None:
    """Resuming after two steps gives the run straight through."""
    straight = shared_gradients(make)
    resumed = shared_gradients(make, resume_at=2)
    for got, expected in zip(resumed, straight):
        torch.testing.assert_close(got, expected)
