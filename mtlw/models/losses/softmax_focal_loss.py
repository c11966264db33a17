"""Softmax focal loss for semantic segmentation, in plain PyTorch."""
from typing import Dict, Tuple

import torch.nn.functional as F
from torch import Tensor, nn

from mtlw.registry import MODELS
from ..utils.masked_mean import masked_mean


def softmax_focal_loss(logits: Tensor, labels: Tensor, gamma: float = 2.0,
                       ignore_index: int = 255) -> Tensor:
    """``mean -(1 - p_t)^gamma log p_t`` over the labelled pixels.

    ``p_t`` is the softmax probability of the true class (Lin et al., ICCV
    2017). ``gamma = 0`` is the cross-entropy.

    Args:
        logits (Tensor): (B, C, H, W).
        labels (Tensor): (B, H, W) class indices; ``ignore_index`` skipped.
        gamma (float): Focusing parameter, >= 0.
        ignore_index (int): Label of unlabelled pixels.

    Returns:
        Tensor: A scalar; 0 with the graph of ``logits`` without a labelled
        pixel.
    """
    if logits.dim() != 4 or labels.shape != (logits.shape[0],
                                             *logits.shape[2:]):
        raise ValueError(f'softmax_focal_loss expects (B, C, H, W) logits '
                         f'and (B, H, W) labels, got {tuple(logits.shape)} '
                         f'and {tuple(labels.shape)}')
    labels = labels.long()
    valid = labels != ignore_index
    safe = labels.masked_fill(~valid, 0)
    log_p = F.log_softmax(logits, dim=1).gather(1, safe[:, None])[:, 0]
    if gamma:
        log_p = (1 - log_p.exp()).pow(gamma) * log_p
    return masked_mean(-log_p, valid)


@MODELS.register_module()
class SoftmaxFocalLoss(nn.Module):
    """Softmax focal loss (Lin et al., ICCV 2017) over labelled pixels.

    ``loss = mean -(1 - p_t)^gamma log p_t`` (:func:`softmax_focal_loss`),
    the semantic focal loss ``L_semF`` of the synergy network; with
    ``gamma = 0`` it is the cross-entropy, keyed ``loss_ce``. mmseg's
    ``FocalLoss`` is the sigmoid form, which needs compiled mmcv ops.

    Args:
        gamma (float): Focusing parameter. Defaults to 2.
        ignore_index (int): Label of unlabelled pixels. Defaults to 255.
    """

    def __init__(self, gamma: float = 2.0, ignore_index: int = 255) -> None:
        super().__init__()
        if gamma < 0:
            raise ValueError(f'gamma must be >= 0, got {gamma}')
        self.gamma = gamma
        self.ignore_index = ignore_index

    @property
    def loss_names(self) -> Tuple[str, ...]:
        """``loss_focal``, or ``loss_ce`` for ``gamma = 0``."""
        return ('loss_focal' if self.gamma else 'loss_ce', )

    def forward(self, pred: Tensor, target: Tensor) -> Dict[str, Tensor]:
        """The term for (B, C, H, W) logits and (B, H, W) labels."""
        return {self.loss_names[0]: softmax_focal_loss(
            pred, target, self.gamma, self.ignore_index)}

    def extra_repr(self) -> str:
        return f'gamma={self.gamma}, ignore_index={self.ignore_index}'
