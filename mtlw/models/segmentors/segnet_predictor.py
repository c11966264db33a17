"""SegNet as a single-network dense predictor (the EncDec baseline)."""
from typing import Dict, Optional

from mmengine.model import ModuleDict
from torch import Tensor, nn

from mtlw.registry import MODELS
from ..backbones.segnet import XAVIER_INIT
from .semantic_depth_predictor import SemanticDepthPredictor


@MODELS.register_module()
class SegNetPredictor(SemanticDepthPredictor):
    """SegNet (Badrinarayanan, Kendall, Cipolla, "SegNet: A Deep
    Convolutional Encoder-Decoder Architecture for Image Segmentation",
    TPAMI 2017) with one output conv per task: the encoder-decoder
    ("EncdDecd") that Jiao et al. ("Look Deeper into Depth", ECCV 2018,
    supplementary Table 8) train for depth with L2 or L_DA.

    The :class:`~mtlw.models.backbones.SegNet` encoder-decoder (VGG-16's
    13 convs mirrored, max unpooling with the pooling indices) gives a
    full-resolution map ``channels[0]`` wide; per task, a 3x3 conv maps it
    to the task's channels, as SegNet's last decoder conv maps it to the
    class scores (SegNet ends in a softmax classifier; here the task's loss
    reads the raw map: a depth regression for the baseline).

    Args:
        tasks (dict[str, dict]): See :class:`SemanticDepthPredictor`
            (``depth`` alone for the baseline).
        backbone (dict): The encoder-decoder. Defaults to ``SegNet`` with
            the widths 64, 128, 256, 512, 512.
        init_cfg (dict, optional): Defaults to Xavier-normal convolutions
            with zero biases, as the SegNet backbone.
        **kwargs: See :class:`SemanticDepthPredictor`.
    """

    def __init__(self, tasks: Dict[str, dict],
                 backbone: dict = dict(type='SegNet'),
                 init_cfg: Optional[dict] = XAVIER_INIT, **kwargs) -> None:
        super().__init__(tasks, init_cfg=init_cfg, **kwargs)
        self.backbone = MODELS.build(backbone)
        width = self.backbone.channels[0]
        self.heads = ModuleDict({
            name: nn.Conv2d(width, task.channels, 3, padding=1)
            for name, task in self.tasks.items()})

    def forward_outputs(self, inputs: Tensor) -> Dict[str, Tensor]:
        """Every task's map at the input size."""
        feature = self.backbone(inputs).decoder_last[0]
        return {name: head(feature) for name, head in self.heads.items()}
