"""mmseg's EncHead logging its accuracy by argmax."""
from typing import Dict, Tuple

from mmseg.models.decode_heads import EncHead
from mmseg.utils import SampleList
from torch import Tensor

from mtlw.registry import MODELS
from .argmax_accuracy import ArgmaxAccuracyMixin


@MODELS.register_module()
class ArgmaxEncHead(ArgmaxAccuracyMixin, EncHead):
    """mmseg's ``EncHead`` (Zhang et al., "Context Encoding for Semantic
    Segmentation", CVPR 2018) whose logged ``acc_seg`` is computed with an
    argmax on the device instead of mmseg's top-k
    (:func:`~mtlw.models.decode_heads.argmax_accuracy.argmax_accuracy`,
    same value). Arguments, parameters and losses as ``EncHead``.
    """

    def loss_by_feat(self, seg_logit: Tuple[Tensor, Tensor],
                     batch_data_samples: SampleList,
                     **kwargs) -> Dict[str, Tensor]:
        """The pixel losses, ``acc_seg`` and the SE loss (``loss_se``)."""
        seg_logits, se_logits = seg_logit
        loss = self.seg_loss_by_feat(seg_logits, batch_data_samples)
        seg_label = self._stack_batch_gt(batch_data_samples)
        loss['loss_se'] = self.loss_se_decode(
            se_logits,
            self._convert_to_onehot_labels(seg_label, self.num_classes))
        return loss
