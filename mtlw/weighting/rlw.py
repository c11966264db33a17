"""Random Loss Weighting: fresh random weights every step."""
from typing import Tuple

import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .base import BaseWeighter
from .utils.seeded_generator import SeededGeneratorMixin


@WEIGHTERS.register_module()
class RLW(SeededGeneratorMixin, BaseWeighter):
    """Random Loss Weighting (Lin et al., "Reasonable Effectiveness of Random
    Weighting: A Litmus Test for Multi-Task Learning", TMLR 2022; arXiv
    2111.10603, 2021).

    Every training step draws ``z ~ N(0, I_K)`` and uses ``w = softmax(z)``;
    ``total = sum_i w_i L_i``. In eval mode the weights are ``1/K``.

    The draws come from a dedicated CPU generator seeded with ``seed`` and
    are copied to the device without waiting (``non_blocking``), so no step
    reads from the device. Every rank draws the same weights, and the
    generator's state is saved in the state dict (the buffer
    ``generator_state``, see :class:`SeededGeneratorMixin`), so a resumed
    run continues the same sequence.

    Args:
        seed (int): Seed of the weight sequence. Defaults to 0.
        nonfinite (str): See :class:`BaseWeighter`.
    """

    def __init__(self, seed: int = 0, nonfinite: str = 'raise') -> None:
        super().__init__(nonfinite=nonfinite)
        self.init_generator(seed)

    def weigh(self, losses: Tensor, observed: Tensor) -> Tuple[Tensor, Tensor]:
        num_losses = observed.numel()
        if self.training:
            logits = torch.randn(num_losses, generator=self.generator)
            weights = torch.softmax(
                logits.to(observed.device, non_blocking=True), dim=0)
        else:
            weights = torch.full_like(observed, 1.0 / num_losses)
        return (weights * losses).sum(), weights

    def extra_repr(self) -> str:
        return f'seed={self.seed}, ' + super().extra_repr()
