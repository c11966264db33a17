"""A depth loss on normalised depth."""
from typing import Dict, Tuple

import torch
from torch import Tensor, nn

from ..utils.depth_normalization import DepthNormalization
from .combined_loss import accepts_valid


class NormalizedDepthLoss(nn.Module):
    """A depth loss computed between a normalised prediction and the
    normalised ground truth; the valid pixels (``target > 0`` in metres)
    are passed on explicitly, since 0 is a valid normalised value.

    Args:
        loss (nn.Module): A depth loss taking ``valid=``.
        normalization (DepthNormalization): The normalisation.
    """

    def __init__(self, loss: nn.Module,
                 normalization: DepthNormalization) -> None:
        super().__init__()
        if getattr(loss, 'needs_metric_depth', False):
            raise ValueError(
                f'{type(loss).__name__} reads logarithms of metric depth; it '
                'cannot be trained on normalised depth (set '
                'depth_normalization=None)')
        if not accepts_valid(loss):
            raise TypeError(f'{type(loss).__name__} must take valid= to be '
                            'trained on normalised depth')
        self.loss = loss
        self.normalization = normalization

    @property
    def loss_names(self) -> Tuple[str, ...]:
        """The keys of the wrapped loss's terms."""
        return tuple(self.loss.loss_names)

    def forward(self, pred: Tensor, target: Tensor) -> Dict[str, Tensor]:
        """Terms of ``loss`` for a normalised prediction, target in metres."""
        valid = target > 0
        normalized = torch.where(valid, self.normalization(target),
                                 torch.zeros_like(target))
        return self.loss(pred, normalized, valid=valid)
