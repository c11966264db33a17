"""Class-balanced binary cross-entropy (saliency, boundaries)."""
from typing import Dict, Optional

import torch.nn.functional as F
from torch import Tensor, nn

from mtlw.registry import MODELS


@MODELS.register_module()
class BalancedBCELoss(nn.Module):
    """Binary cross-entropy with the positives weighted by ``w``.

    Xie and Tu, "Holistically-Nested Edge Detection" (ICCV 2015), as
    Vandenhende et al. use it for saliency and boundaries
    (``BalancedCrossEntropyLoss``): with logits ``x``, labels
    ``y = [target >= 0.5]`` and ``ignore_index`` pixels left out,

    ``loss = (w sum_{y=1} -log s(x) + (1 - w) sum_{y=0} -log(1 - s(x)))
    / N``

    over the ``N`` labelled pixels. ``w`` is ``pos_weight`` if given (0.95
    for boundaries) and otherwise the batch's fraction of negative pixels
    (saliency).

    Args:
        pos_weight (float, optional): Fixed ``w`` in [0, 1].
        ignore_index (int): Label of unlabelled pixels. Defaults to 255.

    Returns (forward):
        dict: ``{'loss_bce': scalar}``.
    """

    #: The keys of the returned terms, in order.
    loss_names = ('loss_bce', )

    def __init__(self, pos_weight: Optional[float] = None,
                 ignore_index: int = 255) -> None:
        super().__init__()
        if pos_weight is not None and not 0 <= pos_weight <= 1:
            raise ValueError(f'BalancedBCELoss pos_weight must be in [0, 1] '
                             f'or None, got {pos_weight!r}')
        self.pos_weight = pos_weight
        self.ignore_index = ignore_index

    def forward(self, pred: Tensor, target: Tensor) -> Dict[str, Tensor]:
        """The term for (B, 1, H, W) logits and targets."""
        if pred.shape != target.shape:
            raise ValueError(f'BalancedBCELoss: logits {tuple(pred.shape)} '
                             f'and target {tuple(target.shape)} differ')
        labelled = (target != self.ignore_index).to(pred)
        positive = (target >= 0.5).to(pred) * labelled
        negative = labelled - positive
        count = labelled.sum().clamp(min=1)
        weight = self.pos_weight
        if weight is None:
            weight = negative.sum() / count
        pos_loss = (F.softplus(-pred) * positive).sum()
        neg_loss = (F.softplus(pred) * negative).sum()
        return dict(loss_bce=(weight * pos_loss +
                              (1 - weight) * neg_loss) / count)

    def extra_repr(self) -> str:
        return (f'pos_weight={self.pos_weight}, '
                f'ignore_index={self.ignore_index}')
