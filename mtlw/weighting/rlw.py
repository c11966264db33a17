"""Random Loss Weighting: fresh random weights every step."""
from typing import Tuple

import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .base import BaseWeighter


@WEIGHTERS.register_module()
class RLW(BaseWeighter):
    """Random Loss Weighting (Lin et al., "Reasonable Effectiveness of Random
    Weighting: A Litmus Test for Multi-Task Learning", TMLR 2022; arXiv
    2111.10603, 2021).

    Every training step draws ``z ~ N(0, I_K)`` and uses ``w = softmax(z)``;
    ``total = sum_i w_i L_i``. In eval mode the weights are ``1/K``.

    The draws come from a dedicated CPU generator seeded with ``seed`` and
    are copied to the device without waiting (``non_blocking``), so no step
    reads from the device. Every rank draws the same weights, and the
    generator's state is saved in the state dict (the buffer
    ``generator_state``, written when the state dict is taken), so a resumed
    run continues the same sequence.

    Args:
        seed (int): Seed of the weight sequence. Defaults to 0.
        nonfinite (str): See :class:`BaseWeighter`.
    """

    def __init__(self, seed: int = 0, nonfinite: str = 'raise') -> None:
        super().__init__(nonfinite=nonfinite)
        self.seed = seed
        self.generator = torch.Generator().manual_seed(seed)
        # Written from the generator only when a state dict is taken.
        self.register_buffer('generator_state', self.generator.get_state())

    def weigh(self, losses: Tensor, observed: Tensor) -> Tuple[Tensor, Tensor]:
        num_losses = observed.numel()
        if self.training:
            logits = torch.randn(num_losses, generator=self.generator)
            weights = torch.softmax(
                logits.to(observed.device, non_blocking=True), dim=0)
        else:
            weights = torch.full_like(observed, 1.0 / num_losses)
        return (weights * losses).sum(), weights

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        self.generator_state.copy_(self.generator.get_state())
        super()._save_to_state_dict(destination, prefix, keep_vars)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)
        if prefix + 'generator_state' in state_dict:
            self.generator.set_state(self.generator_state.cpu())

    def extra_repr(self) -> str:
        return f'seed={self.seed}, ' + super().extra_repr()
