"""FCRN, the depth network of Laina et al. (3DV 2016)."""
from typing import Dict, Optional, Sequence

from mmcv.cnn import ConvModule
from mmengine.model import ModuleList
from torch import Tensor, nn

from mtlw.registry import MODELS
from ..backbones.deeplab_encoder import encoder_channels
from ..decode_heads.up_projection import UpProjection
from .semantic_depth_predictor import SemanticDepthPredictor

#: Widths of the 1x1 conv after the encoder and of the four up-projections.
FCRN_CHANNELS = (1024, 512, 256, 128, 64)


@MODELS.register_module()
class FCRN(SemanticDepthPredictor):
    """Fully convolutional residual network of Laina, Rupprecht,
    Belagiannis, Tombari and Navab, "Deeper Depth Prediction with Fully
    Convolutional Residual Networks" (3DV 2016, Figure 1, ResNet-50 with
    up-projections), the "Laina" baseline of Jiao et al.'s supplementary
    Table 8.

    Encoder (ResNet-50, its stride-32 map) -> 1x1 conv to ``channels[0]``
    (1024) + BN -> four :class:`UpProjection` blocks (512, 256, 128, 64
    channels; stride 32 -> 2) -> 3x3 conv to the tasks' channels. The
    output, at half the input size, is upsampled bilinearly to the input
    by the base (Laina et al. upsample their half-size prediction
    bilinearly to the image). Several tasks share the last conv, their
    channels side by side.

    Args:
        tasks (dict[str, dict]): See :class:`SemanticDepthPredictor`
            (usually ``depth`` alone).
        backbone (dict): Encoder config returning its stride-32 map, e.g.
            timm ``resnet50`` with ``out_indices=(4, )``.
        channels (Sequence[int]): Width of the 1x1 conv and of the
            up-projections, two or more. Defaults to :data:`FCRN_CHANNELS`.
        in_channels (int, optional): Encoder channels if they cannot be
            read from timm.
        **kwargs: See :class:`SemanticDepthPredictor`.
    """

    def __init__(self, tasks: Dict[str, dict], backbone: dict,
                 channels: Sequence[int] = FCRN_CHANNELS,
                 in_channels: Optional[int] = None, **kwargs) -> None:
        super().__init__(tasks, **kwargs)
        channels = tuple(channels)
        if len(channels) < 2 or any(
                not isinstance(c, int) or c < 1 for c in channels):
            raise ValueError('FCRN channels must be two or more positive '
                             f'ints, got {channels!r}')
        self.backbone = MODELS.build(backbone)
        width = in_channels or encoder_channels(self.backbone)[-1]
        self.reduce = ConvModule(width, channels[0], 1,
                                 norm_cfg=dict(type='BN'), act_cfg=None)
        self.ups = ModuleList(
            UpProjection(channels[i], channels[i + 1])
            for i in range(len(channels) - 1))
        total = sum(task.channels for task in self.tasks.values())
        self.pred = nn.Conv2d(channels[-1], total, 3, padding=1)

    def forward_outputs(self, inputs: Tensor) -> Dict[str, Tensor]:
        """Every task's map at ``2 ** (len(channels) - 1) / 32`` of the
        input size (half with the default widths)."""
        feature = self.backbone(inputs)
        if isinstance(feature, (tuple, list)):
            feature = feature[-1]
        x = self.reduce(feature)
        for up in self.ups:
            x = up(x)
        return self.split_tasks(self.pred(x))
