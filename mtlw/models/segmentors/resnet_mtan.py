"""ResNet-MTAN: task attention on each stage of a shared ResNet."""
from typing import Dict, List

import torch
import torch.nn.functional as F
from mmengine.model import ModuleDict, ModuleList
from torch import Tensor

from mtlw.registry import MODELS
from ..necks.task_attention import TaskAttention
from .multitask_dense_predictor import MultiTaskDensePredictor


def match_size(attended: Tensor, shared: Tensor) -> Tensor:
    """Max-pool ``attended`` (2x2, ceil) until it has ``shared``'s size."""
    while attended.shape[-2:] != shared.shape[-2:]:
        if any(a < s for a, s in zip(attended.shape[-2:],
                                     shared.shape[-2:])):
            raise ValueError(
                f'an attended map of size {tuple(attended.shape[-2:])} '
                f'cannot be pooled to {tuple(shared.shape[-2:])}')
        attended = F.max_pool2d(attended, 2, ceil_mode=True)
    return attended


@MODELS.register_module()
class ResNetMTAN(MultiTaskDensePredictor):
    """MTAN over a ResNet encoder with one DeepLab head per task, as LibMTL
    builds it (``LibMTL/architecture/MTAN.py`` for its NYUv2 and Cityscapes
    benchmarks, after Liu, Johns, Davison, "End-to-End Multi-Task Learning
    with Attention", CVPR 2019).

    The shared encoder (``backbone``, a :class:`StagedResNet`) runs its
    stages; at stage ``i`` (output width ``c_i``, ``r`` the block
    expansion: 4 for bottlenecks, 1 for basic blocks) every task computes

    - ``m_i = attention_i([b_i, a])``, a :class:`TaskAttention` mask
      (``c_i / r`` wide inside) from ``b_i``, the stage's map before its last
      block, and ``a``, the task's attended map max-pooled to ``b_i``'s size
      (``b_0`` alone at the first stage);
    - ``a = m_i * s_i`` with ``s_i`` the stage's output, then, but after
      the last stage, a residual block of the encoder's kind to ``c_(i+1)``
      (shared by the tasks, as in LibMTL).

    Each task's head (``decode_head``, e.g. :class:`DeepLabV3Head`) reads
    its last attended map. The masks lie in (0, 1) (sigmoid).

    One deviation from LibMTL: there every task's mask at a stage is the
    same module (a list of one module repeated), so the tasks share their
    attention; here each task has its own masks, as in the paper and the
    authors' SegNet-MTAN.

    Gradient modes: ``shared='backbone'`` in ``mode='params'`` (LibMTL's
    shared parameters are the ResNet's). The masks read every stage of the
    encoder, so there is no single shared output for
    ``mode='representation'``.

    Args:
        tasks (dict[str, dict]): See :class:`MultiTaskDensePredictor`.
        backbone (dict): A ``StagedResNet`` config.
        decode_head (dict): Head config without ``in_channels`` and
            ``out_channels`` (set to the last stage's and the task's).
        **kwargs: ``data_preprocessor``, ``weighter``, ``shared``,
            ``partial_labels``, ``init_cfg`` of
            :class:`MultiTaskDensePredictor`.
    """

    def __init__(self, tasks: Dict[str, dict], backbone: dict,
                 decode_head: dict, **kwargs) -> None:
        super().__init__(tasks, **kwargs)
        self.backbone = MODELS.build(backbone)
        if not hasattr(self.backbone, 'stage_channels'):
            raise TypeError('ResNetMTAN needs a backbone with stages, e.g. '
                            f"type='StagedResNet', got {backbone.get('type')}")
        widths = self.backbone.stage_channels
        self.attention = ModuleDict({
            name: ModuleList(self.mask(index)
                             for index in range(len(widths)))
            for name in self.tasks})
        self.attended_blocks = ModuleList(
            self.backbone.make_block(widths[index], widths[index + 1])
            for index in range(len(widths) - 1))
        self.decode_heads = ModuleDict({
            name: MODELS.build(dict(decode_head, in_channels=widths[-1],
                                    out_channels=task.channels))
            for name, task in self.tasks.items()})

    def mask(self, index: int) -> TaskAttention:
        """The mask of stage ``index``: LibMTL's sizes."""
        width = self.backbone.stage_channels[index]
        inner = width // self.backbone.block.expansion
        return TaskAttention(width if index == 0 else 2 * width, inner, width)

    def forward_tasks(self, inputs: Tensor) -> Dict[str, Tensor]:
        """Raw maps of every task at the encoder's output stride."""
        attended = self.attend(inputs)
        return {name: self.decode_heads[name](attended[index])
                for index, name in enumerate(self.tasks)}

    def attend(self, inputs: Tensor) -> List[Tensor]:
        """Every task's attended map after the last stage, in task order."""
        x = self.backbone.forward_stem(inputs)
        attended: List[Tensor] = []
        last = len(self.backbone.stages) - 1
        for index in range(last + 1):
            before, x = self.backbone.forward_stage(x, index)
            for task, name in enumerate(self.tasks):
                source = before if index == 0 else torch.cat(
                    [before, match_size(attended[task], before)], dim=1)
                feature = self.attention[name][index](source) * x
                if index < last:
                    feature = self.attended_blocks[index](feature)
                if index == 0:
                    attended.append(feature)
                else:
                    attended[task] = feature
        return attended
