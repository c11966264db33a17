"""The DSelect-k gate: a differentiable choice of k experts."""
import math
from typing import NamedTuple, Sequence

import torch
from mmengine.model import BaseModule
from torch import Tensor, nn

from mtlw.registry import MODELS
from .softmax_gate import check_input_size


def smooth_step(logits: Tensor, gamma: float) -> Tensor:
    """The cubic smooth step of DSelect-k: 0 below ``-gamma/2``, 1 above
    ``gamma/2``, ``-2 t^3 / gamma^3 + 3 t / (2 gamma) + 1/2`` between."""
    cubic = -2 / gamma**3 * logits**3 + 3 / (2 * gamma) * logits + 0.5
    return torch.where(logits <= -gamma / 2, torch.zeros_like(logits),
                       torch.where(logits >= gamma / 2,
                                   torch.ones_like(logits), cubic))


class DSelection(NamedTuple):
    """What :class:`DSelectGate` returns for a batch."""

    #: (B, n) expert weights, summing to at most 1 per sample.
    weights: Tensor
    #: (B, k, n) each selector's distribution over the experts, the input
    #: of :meth:`DSelectGate.regularizer`.
    selections: Tensor


@MODELS.register_module()
class DSelectGate(BaseModule):
    """Hazimeh et al., "DSelect-k: Differentiable Selection in the Mixture of
    Experts with Applications to Multi-Task Learning" (NeurIPS 2021).

    ``k`` selectors each pick one of ``n`` experts through
    ``m = ceil(log2 n)`` smooth binary choices: with ``z`` the selector's
    ``m`` logits and ``S`` the smooth step, expert ``e`` (binary code
    ``b(e)``) gets ``prod_j (S(z_j) if b_j(e) else 1 - S(z_j))``. The
    selectors are mixed by a softmax over ``k`` logits. Both logits are
    linear maps of the flattened input (per sample, as LibMTL adapts the
    gate to dense prediction). Initialisation as the authors' code: ``z``
    uniform in ``(-gamma/100, gamma/100)``, the mixing logits in
    ``(-0.05, 0.05)``.

    The forward returns the expert weights with the selections
    (:class:`DSelection`); :meth:`regularizer` turns the selections into
    the entropy regulariser (``entropy_weight * -sum s log(s + 1e-6)``,
    plus ``sum 1 / sum_e s`` when ``n`` is not a power of 2, which keeps
    the selections on existing experts), as LibMTL applies it. The gate
    keeps no state between forwards.

    Args:
        input_shape (Sequence[int]): (C, H, W) of what the gate reads.
        num_experts (int): ``n``.
        num_selectors (int): ``k``, the experts chosen. Defaults to 2.
        gamma (float): Width of the smooth step. Defaults to 1.0.
        entropy_weight (float): Weight of the entropy term. Defaults to 1e-6
            (LibMTL's).
    """

    def __init__(self, input_shape: Sequence[int], num_experts: int,
                 num_selectors: int = 2, gamma: float = 1.0,
                 entropy_weight: float = 1e-6) -> None:
        super().__init__()
        if num_experts < 2 or num_selectors < 1:
            raise ValueError(f'DSelectGate needs num_experts >= 2 and '
                             f'num_selectors >= 1, got {num_experts} and '
                             f'{num_selectors}')
        self.input_shape = tuple(input_shape)
        self.num_selectors = num_selectors
        self.num_bits = math.ceil(math.log2(num_experts))
        self.gamma = gamma
        self.entropy_weight = entropy_weight
        in_features = math.prod(int(size) for size in self.input_shape)
        self.code_logits = nn.Linear(in_features,
                                     num_selectors * self.num_bits)
        self.mix_logits = nn.Linear(in_features, num_selectors)
        codes = [[(expert >> (self.num_bits - 1 - bit)) & 1
                  for bit in range(self.num_bits)]
                 for expert in range(num_experts)]
        self.register_buffer('codes', torch.tensor(codes, dtype=torch.bool),
                             persistent=False)
        for param in self.code_logits.parameters():
            nn.init.uniform_(param, -gamma / 100, gamma / 100)
        for param in self.mix_logits.parameters():
            nn.init.uniform_(param, -0.05, 0.05)

    def forward(self, inputs: Tensor) -> DSelection:
        """Expert weights and selections of a (B, C, H, W) batch.

        Args:
            inputs (Tensor): What the gate reads, of ``input_shape``.

        Returns:
            DSelection: (B, n) weights summing to at most 1 per sample and
            the (B, k, n) selections they mix.
        """
        check_input_size(type(self).__name__, inputs, self.input_shape)
        flat = inputs.flatten(1)
        steps = smooth_step(
            self.code_logits(flat).view(-1, self.num_selectors, 1,
                                        self.num_bits), self.gamma)
        # (B, k, n): each selector's distribution over the experts.
        selections = torch.where(self.codes, steps, 1 - steps).prod(-1)
        mix = self.mix_logits(flat).softmax(dim=-1)
        return DSelection(torch.einsum('bk,bkn->bn', mix, selections),
                          selections)

    def regularizer(self, selections: Tensor) -> Tensor:
        """The entropy regulariser of a forward's selections.

        Args:
            selections (Tensor): (B, k, n), :attr:`DSelection.selections`.

        Returns:
            Tensor: The scalar regulariser.
        """
        loss = -(selections * torch.log(selections + 1e-6)).sum() \
            * self.entropy_weight
        if 2**self.num_bits != self.codes.shape[0]:
            loss = loss + (1 / selections.sum(-1)).sum()
        return loss
