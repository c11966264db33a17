"""DeepLabV3+ with PAD-Net style task distillation.

After Argenziano and Pagani, "Multi-Task Learning for Semantics and Depth"
(course report, Deep Learning for Autonomous Driving, 2022, section 3).
"""
from typing import Dict, List, Optional, Sequence

from mmengine.model import ModuleDict
from torch import Tensor

from mtlw.registry import MODELS
from ..backbones.deeplab_encoder import DeepLabEncoder
from ..decode_heads.deeplabv3plus_decoder import DeepLabV3PlusDecoder
from ..necks.cross_task_distillation import CrossTaskDistillation
from .deeplab_branched import task_heads
from .semantic_depth_predictor import SemanticDepthPredictor


@MODELS.register_module()
class DeepLabDistilled(SemanticDepthPredictor):
    """Distilled DeepLabV3+ (PAD-Net style).

    The branched net's ASPP + decoder per task give first predictions and
    stride-4 features ``F_t``; :class:`CrossTaskDistillation` mixes them
    (``F_t' = F_t + G_t (.) conv(F_s)``) and a second decoder per task,
    without skip, gives the final predictions. Both stages are supervised:
    four losses for two tasks, ``<task>.<term>_aux0`` (first decoders) and
    ``<task>.<term>`` (final).

    Use ``shared='backbone'`` for gradient-based weighters.

    Args:
        tasks (dict[str, dict]): See :class:`SemanticDepthPredictor`; two
            or more tasks.
        backbone (dict): Encoder config (:class:`DeepLabEncoder`).
        aspp (dict): :class:`ASPP` arguments of every task.
        decoder (dict): :class:`DeepLabV3PlusDecoder` arguments of both
            decoders of every task (``channels``, ``skip_channels``, ``se``).
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
        channels = next(iter(self.heads.values())).decoder.channels
        self.distillation = CrossTaskDistillation(list(self.tasks), channels)
        second = {key: value for key, value in decoder.items()
                  if key != 'skip_channels'}
        self.refiners = ModuleDict({
            name: DeepLabV3PlusDecoder(channels, task.channels, **second)
            for name, task in self.tasks.items()
        })

    def forward_outputs(self, inputs: Tensor) -> Dict[str, List[Tensor]]:
        skip, last = self.backbone(inputs)
        first = {name: head(last, skip) for name, head in self.heads.items()}
        fused = self.distillation(
            {name: features for name, (_, features) in first.items()})
        return {name: [first[name][0], self.refiners[name](fused[name])[0]]
                for name in self.tasks}
