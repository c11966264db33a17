"""Cross-stitch unit joining the columns of a multi-column network."""
from typing import List, Optional, Sequence

import torch
from mmengine.model import BaseModule
from torch import Tensor, nn

from mtlw.registry import MODELS


def cross_stitch(alpha: Tensor, features: Sequence[Tensor]) -> List[Tensor]:
    """``x_k^in = sum_j alpha_kj x_j^out`` for every column ``k``.

    Args:
        alpha (Tensor): (K, K) mixing matrix.
        features (Sequence[Tensor]): K tensors of one shape, column outputs.

    Returns:
        list[Tensor]: K mixed tensors, the columns' next inputs.
    """
    shapes = {tuple(feature.shape) for feature in features}
    if len(shapes) != 1:
        raise ValueError('cross-stitch columns must have outputs of one '
                         f'shape, got {[tuple(f.shape) for f in features]}')
    if alpha.shape != (len(features), len(features)):
        raise ValueError(f'a ({len(features)}, {len(features)}) cross-stitch '
                         f'matrix is needed, got {tuple(alpha.shape)}')
    stacked = torch.stack(list(features))
    mixed = torch.einsum('kj,j...->k...', alpha.to(stacked.dtype), stacked)
    return list(mixed.unbind(0))


@MODELS.register_module()
class CrossStitch(BaseModule):
    """Cross-stitch unit (Misra et al., CVPR 2016) as used by Lee, Lee, Kim
    ("Learning Multiple Pixelwise Tasks Based on Loss Scale Balancing",
    ICCV 2021, supplement eq. 1): the input of decoder ``k`` is
    ``sum_j alpha_kj x_j`` with ``x_j`` the output of encoder ``j`` and a
    learnable ``n x n`` matrix ``alpha`` (one scalar per pair of columns).

    Initialisation: ``alpha_kk = diagonal`` and ``alpha_kj = off_diagonal``;
    both default to ``1/n`` (the paper's Taskonomy setting). The paper's
    NYUv2 setting is 0.9 / 0.05 for three tasks. The matrix is the parameter
    ``alpha``; give it its own learning rate through the optimizer's
    ``paramwise_cfg=dict(custom_keys={'neck.alpha': dict(lr_mult=...)})``.

    Args:
        num_columns (int): ``n``, the number of columns (tasks).
        diagonal (float, optional): Initial ``alpha_kk``.
        off_diagonal (float, optional): Initial ``alpha_kj``, ``j != k``.
        init_cfg (dict, optional): mmengine initialisation config.
    """

    def __init__(self, num_columns: int, diagonal: Optional[float] = None,
                 off_diagonal: Optional[float] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if not isinstance(num_columns, int) or num_columns < 1:
            raise ValueError(f'num_columns must be a positive int, got '
                             f'{num_columns!r}')
        uniform = 1.0 / num_columns
        diagonal = uniform if diagonal is None else float(diagonal)
        off_diagonal = uniform if off_diagonal is None else float(off_diagonal)
        alpha = torch.full((num_columns, num_columns), off_diagonal)
        alpha.fill_diagonal_(diagonal)
        self.alpha = nn.Parameter(alpha)

    def forward(self, features: Sequence[Tensor]) -> List[Tensor]:
        """Mix the K column outputs (see :func:`cross_stitch`)."""
        return cross_stitch(self.alpha, features)

    def extra_repr(self) -> str:
        return f'num_columns={self.alpha.shape[0]}'
