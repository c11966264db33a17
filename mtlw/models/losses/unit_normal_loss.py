"""Surface-normal losses on the unit-length prediction."""
from typing import Dict

import torch.nn.functional as F
from torch import Tensor, nn

from mtlw.registry import MODELS
from ..utils.masked_mean import masked_mean
from .normal_cosine_loss import valid_normals

PENALTIES = ('cos', 'l1')


@MODELS.register_module()
class UnitNormalLoss(nn.Module):
    """Normal loss after scaling the prediction to unit length.

    Over the pixels whose ground truth is not the zero vector, with ``n^``
    the prediction divided by its length:

    - ``'cos'``: ``1 - mean n . n^`` (LibMTL's NYUv2 ``NormalLoss``);
    - ``'l1'``: ``mean |n^ - n|`` over the valid entries (three per
      pixel; Vandenhende et al.'s ``NormalsLoss`` with ``norm=1``).

    Args:
        penalty (str): ``'cos'`` or ``'l1'``.

    Returns (forward):
        dict: ``{'loss_cos': scalar}`` or ``{'loss_l1': scalar}``.
    """

    def __init__(self, penalty: str = 'l1') -> None:
        super().__init__()
        if penalty not in PENALTIES:
            raise ValueError(f'UnitNormalLoss penalty must be one of '
                             f'{PENALTIES}, got {penalty!r}')
        self.penalty = penalty
        self.loss_names = (f'loss_{penalty}', )

    def forward(self, pred: Tensor, target: Tensor) -> Dict[str, Tensor]:
        """The term for (B, 3, H, W) normals."""
        if pred.shape != target.shape or pred.shape[1] != 3:
            raise ValueError(f'UnitNormalLoss needs (B, 3, H, W) pred and '
                             f'target, got {tuple(pred.shape)} and '
                             f'{tuple(target.shape)}')
        valid = valid_normals(target)
        unit = F.normalize(pred, dim=1)
        if self.penalty == 'cos':
            value = 1 - masked_mean((unit * target).sum(1, keepdim=True),
                                    valid)
        else:
            value = masked_mean((unit - target).abs(), valid)
        return {self.loss_names[0]: value}

    def extra_repr(self) -> str:
        return f'penalty={self.penalty!r}'
