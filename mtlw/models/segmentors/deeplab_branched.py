"""DeepLabV3+ with an ASPP and a decoder per task.

After Argenziano and Pagani, "Multi-Task Learning for Semantics and Depth"
(course report, Deep Learning for Autonomous Driving, 2022, section 2).
"""
from typing import Dict, Optional, Sequence

from mmengine.model import ModuleDict
from torch import Tensor

from mtlw.registry import MODELS
from ..backbones.deeplab_encoder import DeepLabEncoder
from ..decode_heads.deeplabv3plus_head import DeepLabV3PlusHead
from .semantic_depth_predictor import SemanticDepthPredictor


def task_heads(tasks, encoder: DeepLabEncoder, aspp: dict,
               decoder: dict) -> ModuleDict:
    """One :class:`DeepLabV3PlusHead` per task."""
    return ModuleDict({
        name: DeepLabV3PlusHead(encoder.out_channels, encoder.skip_channels,
                                task.channels, aspp, decoder)
        for name, task in tasks.items()
    })


@MODELS.register_module()
class DeepLabBranched(SemanticDepthPredictor):
    """Branched DeepLabV3+: a shared dilated ResNet encoder, then an ASPP
    and a DeepLabV3+ decoder (with the stride-4 skip) per task.

    Use ``shared='backbone'`` for gradient-based weighters.

    Args:
        tasks (dict[str, dict]): See :class:`SemanticDepthPredictor`.
        backbone (dict): Encoder config (:class:`DeepLabEncoder`).
        aspp (dict): :class:`ASPP` arguments of every task.
        decoder (dict): :class:`DeepLabV3PlusDecoder` arguments.
        in_channels (Sequence[int], optional): Encoder output channels if
            they cannot be read from timm.
        **kwargs: See :class:`SemanticDepthPredictor`.
    """

    def __init__(self, tasks: Dict[str, dict], backbone: dict,
                 aspp: dict = dict(), decoder: dict = dict(),
                 in_channels: Optional[Sequence[int]] = None,
                 **kwargs) -> None:
        super().__init__(tasks, **kwargs)
        self.backbone = DeepLabEncoder(backbone, in_channels)
        self.heads = task_heads(self.tasks, self.backbone, aspp, decoder)

    def forward_outputs(self, inputs: Tensor) -> Dict[str, Tensor]:
        skip, last = self.backbone(inputs)
        return {name: head(last, skip)[0]
                for name, head in self.heads.items()}
