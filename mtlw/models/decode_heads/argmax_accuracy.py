"""The pixel accuracy a decode head logs, by argmax instead of top-k."""
from typing import Dict

import torch
from mmseg.models.utils import resize
from mmseg.utils import SampleList
from torch import Tensor, nn


def argmax_accuracy(seg_logits: Tensor, seg_label: Tensor,
                    ignore_index: int) -> Tensor:
    """mmseg's top-1 ``accuracy`` computed with an argmax on the device.

    mmseg's ``accuracy`` runs a top-k over the classes and selects the
    labelled pixels with a boolean index (a host synchronisation on a
    GPU); this gives its top-1 value, ``100 * (correct + eps) / (labelled +
    eps)`` over the pixels whose label is not ``ignore_index``, with an
    argmax and a mask.

    Args:
        seg_logits (Tensor): (N, C, H, W) logits.
        seg_label (Tensor): (N, H, W) labels.
        ignore_index (int): The label of unlabelled pixels.

    Returns:
        Tensor: (1,) accuracy in percent, as mmseg's ``accuracy``.
    """
    if seg_logits.size(0) == 0:
        return seg_logits.new_zeros(1)
    labelled = seg_label != ignore_index
    correct = (seg_logits.argmax(dim=1) == seg_label) & labelled
    eps = torch.finfo(torch.float32).eps
    hits = correct.sum().to(torch.float32).reshape(1) + eps
    return hits * (100.0 / (labelled.sum().to(torch.float64) + eps)).to(
        torch.float32)


class ArgmaxAccuracyMixin:
    """mmseg's ``BaseDecodeHead.loss_by_feat`` with the logged ``acc_seg``
    from :func:`argmax_accuracy` (same value, no top-k, no host read).

    Mix into an mmseg decode head before the head class.
    """

    def seg_loss_by_feat(self, seg_logits: Tensor,
                         batch_data_samples: SampleList) -> Dict[str, Tensor]:
        """The head's pixel losses and ``acc_seg`` of ``seg_logits``.

        Args:
            seg_logits (Tensor): The head's (N, C, h, w) logits.
            batch_data_samples (list[SegDataSample]): With ``gt_sem_seg``.

        Returns:
            dict[str, Tensor]: Each loss of ``loss_decode`` and ``acc_seg``.
        """
        seg_label = self._stack_batch_gt(batch_data_samples)
        seg_logits = resize(input=seg_logits, size=seg_label.shape[2:],
                            mode='bilinear', align_corners=self.align_corners)
        seg_weight = (None if self.sampler is None
                      else self.sampler.sample(seg_logits, seg_label))
        seg_label = seg_label.squeeze(1)
        losses_decode = (self.loss_decode
                         if isinstance(self.loss_decode, nn.ModuleList)
                         else [self.loss_decode])
        loss: Dict[str, Tensor] = {}
        for loss_decode in losses_decode:
            value = loss_decode(seg_logits, seg_label, weight=seg_weight,
                                ignore_index=self.ignore_index)
            name = loss_decode.loss_name
            loss[name] = value if name not in loss else loss[name] + value
        loss['acc_seg'] = argmax_accuracy(seg_logits, seg_label,
                                          self.ignore_index)
        return loss
