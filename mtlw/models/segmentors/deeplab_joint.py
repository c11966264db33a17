"""DeepLabV3+ with one head for all tasks.

After Argenziano and Pagani, "Multi-Task Learning for Semantics and Depth"
(course report, Deep Learning for Autonomous Driving, 2022, section 1).
"""
from typing import Dict, Optional, Sequence

from torch import Tensor

from mtlw.registry import MODELS
from ..backbones.deeplab_encoder import DeepLabEncoder
from ..decode_heads.deeplabv3plus_head import DeepLabV3PlusHead
from .semantic_depth_predictor import SemanticDepthPredictor


@MODELS.register_module()
class DeepLabJoint(SemanticDepthPredictor):
    """Joint DeepLabV3+: a dilated ResNet, one ASPP and one decoder whose
    last 1x1 conv predicts every task's channels at once (19 classes + 1
    depth channel on Cityscapes), cut into the tasks' maps.

    Everything but the final split is shared; for gradient-based weighters
    name ``shared='backbone'`` (or ``'head'``).

    Args:
        tasks (dict[str, dict]): See :class:`SemanticDepthPredictor`.
        backbone (dict): Encoder config (:class:`DeepLabEncoder`).
        aspp (dict, optional): :class:`ASPP` arguments (``channels=256``,
            ``dilations=(3, 6, 9)``, ``se``); None for a 1x1 conv in its
            place.
        decoder (dict): :class:`DeepLabV3PlusDecoder` arguments
            (``channels=256``, ``skip_channels=48``, ``se``).
        in_channels (Sequence[int], optional): Encoder output channels if
            they cannot be read from timm.
        skip (bool): Whether the decoder takes the stride-4 skip (False, with
            ``aspp=None``, for the report's model before its section 1.3;
            see :class:`DeepLabV3PlusHead`). Defaults to True.
        **kwargs: See :class:`SemanticDepthPredictor`.
    """

    def __init__(self, tasks: Dict[str, dict], backbone: dict,
                 aspp: Optional[dict] = dict(), decoder: dict = dict(),
                 in_channels: Optional[Sequence[int]] = None,
                 skip: bool = True, **kwargs) -> None:
        super().__init__(tasks, **kwargs)
        self.backbone = DeepLabEncoder(backbone, in_channels)
        self.head = DeepLabV3PlusHead(
            self.backbone.out_channels, self.backbone.skip_channels,
            sum(task.channels for task in self.tasks.values()), aspp,
            decoder, skip)

    def forward_outputs(self, inputs: Tensor) -> Dict[str, Tensor]:
        skip, last = self.backbone(inputs)
        predictions, _ = self.head(last, skip)
        return self.split_tasks(predictions)
