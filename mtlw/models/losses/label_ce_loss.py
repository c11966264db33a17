"""Plain pixel cross-entropy for any task's label map."""
from typing import Dict

from torch import Tensor, nn

from mtlw.registry import MODELS
from .seg_range_ce_loss import pixel_cross_entropy


@MODELS.register_module()
class LabelCELoss(nn.Module):
    """Softmax cross-entropy averaged over the labelled pixels.

    The segmentation and human-part loss of Vandenhende et al.
    ("Multi-Task Learning for Dense Prediction Tasks: A Survey", TPAMI
    2021; ``SoftMaxwithLoss``) and LibMTL's NYUv2 / Cityscapes ``SegLoss``.
    Targets may be (B, H, W) class indices (a ``seg`` task) or a
    (B, 1, H, W) map of them (a ``dense`` task such as human parts).

    Args:
        ignore_index (int): Label of unlabelled pixels. Defaults to 255.

    Returns (forward):
        dict: ``{'loss_ce': scalar}``.
    """

    #: The keys of the returned terms, in order.
    loss_names = ('loss_ce', )

    def __init__(self, ignore_index: int = 255) -> None:
        super().__init__()
        self.ignore_index = ignore_index

    def forward(self, pred: Tensor, target: Tensor) -> Dict[str, Tensor]:
        """The term for (B, C, H, W) logits."""
        if target.dim() == 4:
            if target.shape[1] != 1:
                raise ValueError(f'LabelCELoss needs (B, H, W) or (B, 1, H, '
                                 f'W) labels, got {tuple(target.shape)}')
            target = target[:, 0]
        return dict(loss_ce=pixel_cross_entropy(pred, target.round().long(),
                                                self.ignore_index))

    def extra_repr(self) -> str:
        return f'ignore_index={self.ignore_index}'
