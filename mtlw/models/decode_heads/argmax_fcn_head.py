"""mmseg's FCNHead logging its accuracy by argmax."""
from typing import Dict

from mmseg.models.decode_heads import FCNHead
from mmseg.utils import SampleList
from torch import Tensor

from mtlw.registry import MODELS
from .argmax_accuracy import ArgmaxAccuracyMixin


@MODELS.register_module()
class ArgmaxFCNHead(ArgmaxAccuracyMixin, FCNHead):
    """mmseg's ``FCNHead`` (Long et al., "Fully Convolutional Networks for
    Semantic Segmentation", CVPR 2015) whose logged ``acc_seg`` is computed
    with an argmax on the device instead of mmseg's top-k
    (:func:`~mtlw.models.decode_heads.argmax_accuracy.argmax_accuracy`,
    same value). Arguments, parameters and losses as ``FCNHead``.
    """

    def loss_by_feat(self, seg_logits: Tensor,
                     batch_data_samples: SampleList) -> Dict[str, Tensor]:
        """The pixel losses and ``acc_seg`` of ``seg_logits``."""
        return self.seg_loss_by_feat(seg_logits, batch_data_samples)
