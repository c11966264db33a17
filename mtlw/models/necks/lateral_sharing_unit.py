"""Lateral sharing unit of the synergy network (Jiao et al., ECCV 2018)."""
from typing import List, Sequence

import torch
from mmengine.model import BaseModule
from torch import Tensor, nn

from mtlw.registry import MODELS


@MODELS.register_module()
class LateralSharingUnit(BaseModule):
    """Learnable scalar mixing of same-sized branch features.

    Jiao et al., ECCV 2018, supplementary Table 3: the depth branch continues
    with ``(1 + phi_D) up_dep + phi_S up_sem`` and the semantic branch with
    ``(1 + gamma_S) up_sem + gamma_D up_dep``. For ``n`` branches this is
    ``x_t' = sum_s (delta_ts + phi_ts) x_s`` with a learnable ``n x n`` matrix
    ``phi`` (identity plus offsets, so the unit starts as the identity when
    ``init = 0``).

    Args:
        num_branches (int): Number of branches (2 for depth + semantics).
        init (float): Initial value of every ``phi_ts``. Defaults to 0.
    """

    def __init__(self, num_branches: int = 2, init: float = 0.0) -> None:
        super().__init__()
        if num_branches < 2:
            raise ValueError(f'a lateral sharing unit joins two or more '
                             f'branches, got {num_branches}')
        self.phi = nn.Parameter(torch.full((num_branches, num_branches),
                                           float(init)))

    def mixing(self) -> Tensor:
        """The ``n x n`` matrix ``I + phi``: row t mixes into branch t."""
        return torch.eye(len(self.phi), device=self.phi.device) + self.phi

    def forward(self, features: Sequence[Tensor]) -> List[Tensor]:
        """Mixed features, one per branch, in branch order."""
        if len(features) != len(self.phi):
            raise ValueError(f'the unit joins {len(self.phi)} branches, got '
                             f'{len(features)} feature maps')
        stacked = torch.stack(list(features))
        mixed = torch.einsum('ts,s...->t...', self.mixing(), stacked)
        return list(mixed.unbind(0))
