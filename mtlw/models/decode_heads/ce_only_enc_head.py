"""EncNet's head trained on the pixel cross-entropy alone."""
from typing import Dict

from mmseg.models.decode_heads import EncHead
from mmseg.utils import SampleList
from torch import Tensor

from mtlw.registry import MODELS
from .argmax_accuracy import ArgmaxAccuracyMixin


@MODELS.register_module()
class CEOnlyEncHead(ArgmaxAccuracyMixin, EncHead):
    """mmseg's EncHead without the semantic-encoding (SE) branch.

    The single-loss baseline of the CoV-Weighting paper's EncNet study
    (Groenendijk et al., WACV 2021, Table 6, "CE"): the Context Encoding
    module still gates the features, but no SE classifier is built and the
    head returns one loss, the pixel cross-entropy ``loss_ce``.

    mmseg 1.2.2's ``EncHead.loss_by_feat`` always unpacks ``(seg_logits,
    se_logits)``, so ``EncHead(use_se_loss=False)`` fails in training; this
    class computes the loss of :class:`BaseDecodeHead` instead, with the
    logged ``acc_seg`` by argmax (:class:`ArgmaxAccuracyMixin`). Every
    argument of :class:`mmseg.models.decode_heads.EncHead` is accepted;
    ``use_se_loss`` must be False (the default here) and ``loss_se_decode`` is
    ignored.
    """

    def __init__(self, use_se_loss: bool = False, **kwargs) -> None:
        if use_se_loss:
            raise ValueError('CEOnlyEncHead has no SE branch: use_se_loss '
                             'must be False (use EncHead for the SE loss)')
        super().__init__(use_se_loss=False, **kwargs)

    def loss_by_feat(self, seg_logits: Tensor, batch_data_samples: SampleList,
                     **kwargs) -> Dict[str, Tensor]:
        """The pixel cross-entropy (and ``acc_seg``) of ``seg_logits``."""
        return self.seg_loss_by_feat(seg_logits, batch_data_samples)
