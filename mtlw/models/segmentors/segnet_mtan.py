"""SegNet-MTAN: task attention over a shared SegNet."""
from typing import Dict, Optional

import torch
import torch.nn.functional as F
from mmengine.model import ModuleDict, ModuleList
from torch import Tensor, nn

from mtlw.registry import MODELS
from ..backbones.segnet import XAVIER_INIT, SegNetFeatures, conv_bn_relu
from ..necks.task_attention import TaskAttention
from .multitask_dense_predictor import MultiTaskDensePredictor


def prediction_head(channels: int, out_channels: int) -> nn.Sequential:
    """MTAN's task head: a 3x3 conv (``channels`` wide), then a 1x1 conv to
    the task's output channels, both with bias, no normalisation."""
    return nn.Sequential(nn.Conv2d(channels, channels, 3, padding=1),
                         nn.Conv2d(channels, out_channels, 1))


@MODELS.register_module()
class SegNetMTAN(MultiTaskDensePredictor):
    """SegNet-MTAN of Liu, Johns, Davison, "End-to-End Multi-Task Learning
    with Attention" (CVPR 2019, section 3 and Figure 2), as built by the
    authors' ``im2im_pred/model_segnet_mtan.py``.

    A shared :class:`~mtlw.models.backbones.SegNet` (``backbone``) and, per
    task, one :class:`TaskAttention` mask at every encoder and decoder level.
    With ``c_l`` the width of level ``l`` and ``a`` the task's attended
    feature:

    - encoder level ``l``: ``a = pool(f_l(m_l * e_l))`` with the mask
      ``m_l = attention([e'_l, a])`` (``e'_l`` the level's first-block map,
      ``e_l`` its output; at level 0 the mask reads ``e'_0`` alone) and
      ``f_l`` a 3x3 conv block to ``c_(l+1)`` (``c_l`` at the last level);
    - decoder level ``l`` (coarsest first): ``a = m_l * d_l`` with
      ``m_l = attention([u_l, g_l(up(a))])``, ``u_l`` the decoder's unpooled
      input, ``d_l`` the level's output, ``up`` bilinear upsampling to
      ``u_l``'s size and ``g_l`` a 3x3 conv block to ``d_l``'s width;
    - the head: a 3x3 conv and a 1x1 conv to the task's channels.

    The blocks ``f_l`` and ``g_l`` are shared by the tasks, as in the
    authors' code; the masks and heads are the tasks' own. The masks lie in
    (0, 1) (sigmoid). The authors' network returns log-softmax logits and
    unit normals; here the heads return raw maps and the task losses do the
    rest. Convolutions start Xavier-normal with zero biases (the authors'
    initialisation).

    Gradient modes: ``shared='backbone'`` (the SegNet) in ``mode='params'``.
    The attention modules read the SegNet's maps at every level, so there is
    no single shared output tensor for ``mode='representation'``.

    Args:
        tasks (dict[str, dict]): See :class:`MultiTaskDensePredictor`.
        backbone (dict): The shared network. Defaults to ``SegNet`` with the
            widths 64, 128, 256, 512, 512 (the paper's); a narrower
            ``channels`` gives a small twin.
        init_cfg (dict, optional): Defaults to Xavier-normal convolutions
            with zero biases.
        **kwargs: ``data_preprocessor``, ``weighter``, ``shared``,
            ``partial_labels`` of :class:`MultiTaskDensePredictor`.
    """

    def __init__(self, tasks: Dict[str, dict],
                 backbone: dict = dict(type='SegNet'),
                 init_cfg: Optional[dict] = XAVIER_INIT, **kwargs) -> None:
        super().__init__(tasks, init_cfg=init_cfg, **kwargs)
        self.backbone = MODELS.build(backbone)
        widths = self.backbone.channels
        last = len(widths) - 1
        self.encoder_blocks = ModuleList(
            conv_bn_relu(width, widths[min(level + 1, last)])
            for level, width in enumerate(widths))
        self.decoder_blocks = ModuleList(
            conv_bn_relu(width, self.decoder_block_width(level))
            for level, width in enumerate(widths))
        self.encoder_attention = ModuleDict({
            name: ModuleList(self.encoder_mask(level) for level in
                             range(len(widths))) for name in self.tasks})
        self.decoder_attention = ModuleDict({
            name: ModuleList(self.decoder_mask(level) for level in
                             range(len(widths))) for name in self.tasks})
        self.heads = ModuleDict({
            name: prediction_head(widths[0], task.channels)
            for name, task in self.tasks.items()})

    def decoder_block_width(self, level: int) -> int:
        """Width of ``g_l``: that of decoder level ``l``'s output, but
        ``c_l`` at the coarsest level (whose input is the encoder's
        last attended map)."""
        if level == len(self.backbone.channels) - 1:
            return self.backbone.channels[level]
        return self.backbone.below(level)

    def encoder_mask(self, level: int) -> TaskAttention:
        """The mask of encoder ``level`` (``c_l`` wide)."""
        width = self.backbone.channels[level]
        return TaskAttention(width if level == 0 else 2 * width, width, width)

    def decoder_mask(self, level: int) -> TaskAttention:
        """The mask of decoder ``level``, as wide as its output."""
        width = self.backbone.below(level)
        in_channels = (self.backbone.channels[level] +
                       self.decoder_block_width(level))
        return TaskAttention(in_channels, width, width)

    def forward_tasks(self, inputs: Tensor) -> Dict[str, Tensor]:
        """Raw maps of every task at the input size."""
        features = self.backbone(inputs)
        return {name: self.heads[name](self.attend(name, features))
                for name in self.tasks}

    def attend(self, name: str, features: SegNetFeatures) -> Tensor:
        """Task ``name``'s attended map at the end of the decoder."""
        attention = self.encoder_attention[name]
        attended = None
        for level, first in enumerate(features.encoder_first):
            source = first if attended is None else torch.cat(
                [first, attended], dim=1)
            attended = attention[level](source) * features.encoder_last[level]
            attended = F.max_pool2d(self.encoder_blocks[level](attended), 2)
        attention = self.decoder_attention[name]
        for level in reversed(range(len(features.decoder_input))):
            unpooled = features.decoder_input[level]
            attended = self.decoder_blocks[level](F.interpolate(
                attended, size=unpooled.shape[-2:], mode='bilinear',
                align_corners=True))
            mask = attention[level](torch.cat([unpooled, attended], dim=1))
            attended = mask * features.decoder_last[level]
        return attended
