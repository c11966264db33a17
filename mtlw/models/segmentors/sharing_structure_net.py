"""The information sharing structures of Jiao et al., "Look Deeper into
Depth" (ECCV 2018), supplementary section 2 (Fig. 2, Tables 1 and 2)."""
from typing import Dict, Optional, Sequence

import torch
from mmcv.cnn import ConvModule
from mmengine.model import ModuleDict
from torch import Tensor, nn

from mtlw.registry import MODELS
from .semantic_depth_predictor import SemanticDepthPredictor

#: Convolutional layers of one task's network ("each task consists of 5
#: convolutional layers").
NUM_LAYERS = 5
#: ``structure`` values: one task alone (the single-task baselines and both
#: stages of the fine-tuned structure), and the three two-task structures.
STRUCTURES = ('single', 'cascaded', 'merge_in', 'branch_out')


def conv_stack(in_channels: int, channels: Sequence[int],
               strides: Sequence[int]) -> nn.Sequential:
    """3x3 convs with BN and ReLU, one per width (empty: the identity)."""
    layers = []
    for width, stride in zip(channels, strides):
        layers.append(ConvModule(in_channels, width, 3, stride=stride,
                                 padding=1, norm_cfg=dict(type='BN')))
        in_channels = width
    return nn.Sequential(*layers)


@MODELS.register_module()
class SharingStructureNet(SemanticDepthPredictor):
    """Information sharing structures of two tasks built from 5-layer
    networks (Jiao, Cao, Song and Lau, "Look Deeper into Depth: Monocular
    Depth Estimation with Semantic Booster and Attention-Driven Loss", ECCV
    2018; supplementary section 2, Fig. 2, Tables 1-2).

    A task's network is ``NUM_LAYERS`` (5) 3x3 convs with BN and ReLU of
    widths ``channels`` and ``strides``, then its prediction layer (a 1x1
    conv to the task's channels, in ``heads``); predictions are upsampled
    bilinearly to the input by the base. The structures:

    - ``single``: one task's network (``common`` holds its 5 layers). The
      single-task baselines, and both stages of the *fine-tuned* structure:
      train on task A, then build the net of task B and load A's weights
      (``load_from``); ``common`` matches, A's head is left out and B's
      head starts new.
    - ``cascaded``: the tasks' networks in sequence (``order``, task A
      first): task B's 5 layers take A's 5th-layer features (not its
      prediction) as input and keep their resolution (stride 1), so B's
      loss reaches A's layers while A's loss does not reach B's
      (``columns.<task>``).
    - ``merge_in``: each task's first ``split`` layers on the image
      (``columns.<task>``), their outputs concatenated along the channels,
      layers ``split + 1 .. 5`` shared (``common``), then the task heads.
      The paper's sub-networks are pre-trained on each task first; here the
      whole net trains jointly unless weights are loaded.
    - ``branch_out``: layers ``1 .. split`` shared (``common``, "S1-k" of
      Table 2), then each task's layers ``split + 1 .. 5``
      (``columns.<task>``) and head; ``split = 5`` shares every conv and
      only the heads differ.

    For gradient-based weighters the shared part is ``common``
    (``merge_in``, ``branch_out``) or the first task's column
    (``cascaded``: ``shared='columns.<task A>'``).

    Args:
        tasks (dict[str, dict]): See :class:`SemanticDepthPredictor`; one
            task for ``single``, two or more otherwise.
        structure (str): One of :data:`STRUCTURES`.
        split (int, optional): ``branch_out``: shared layers, 1 .. 5;
            ``merge_in``: separate layers before the merge, 1 .. 4. Unused
            otherwise.
        order (Sequence[str], optional): ``cascaded``: the tasks, first to
            last. Defaults to the order of ``tasks``.
        channels (Sequence[int]): Widths of the 5 convs. Defaults to
            (64, 128, 256, 256, 256).
        strides (Sequence[int]): Strides of the 5 convs. Defaults to
            (2, 2, 2, 1, 1): predictions at 1/8 of the input.
        in_channels (int): Image channels. Defaults to 3.
        **kwargs: See :class:`SemanticDepthPredictor`.
    """

    def __init__(self, tasks: Dict[str, dict], structure: str = 'single',
                 split: Optional[int] = None,
                 order: Optional[Sequence[str]] = None,
                 channels: Sequence[int] = (64, 128, 256, 256, 256),
                 strides: Sequence[int] = (2, 2, 2, 1, 1),
                 in_channels: int = 3, **kwargs) -> None:
        super().__init__(tasks, **kwargs)
        self.structure = check_structure(structure, list(self.tasks))
        if len(channels) != NUM_LAYERS or len(strides) != NUM_LAYERS:
            raise ValueError(f'channels and strides need {NUM_LAYERS} values '
                             f'each, got {tuple(channels)} and '
                             f'{tuple(strides)}')
        self.split = check_split(structure, split)
        self.order = check_order(structure, order, list(self.tasks))
        self.common = nn.Sequential()
        self.columns = ModuleDict()
        builders = dict(single=self._build_single,
                        cascaded=self._build_cascaded,
                        merge_in=self._build_merge_in,
                        branch_out=self._build_branch_out)
        builders[structure](list(channels), list(strides), in_channels)
        self.heads = ModuleDict({
            name: nn.Conv2d(channels[-1], task.channels, 1)
            for name, task in self.tasks.items()
        })

    def _build_single(self, channels, strides, in_channels) -> None:
        self.common = conv_stack(in_channels, channels, strides)

    def _build_cascaded(self, channels, strides, in_channels) -> None:
        first, *rest = self.order
        self.columns[first] = conv_stack(in_channels, channels, strides)
        for name in rest:
            self.columns[name] = conv_stack(channels[-1], channels,
                                            [1] * NUM_LAYERS)

    def _build_merge_in(self, channels, strides, in_channels) -> None:
        k = self.split
        for name in self.tasks:
            self.columns[name] = conv_stack(in_channels, channels[:k],
                                            strides[:k])
        self.common = conv_stack(channels[k - 1] * len(self.tasks),
                                 channels[k:], strides[k:])

    def _build_branch_out(self, channels, strides, in_channels) -> None:
        k = self.split
        self.common = conv_stack(in_channels, channels[:k], strides[:k])
        for name in self.tasks:
            self.columns[name] = conv_stack(channels[k - 1], channels[k:],
                                            strides[k:])

    def forward_outputs(self, inputs: Tensor) -> Dict[str, Tensor]:
        """Every task's prediction at the network's output stride."""
        if self.structure == 'cascaded':
            outputs, feature = {}, inputs
            for name in self.order:
                feature = self.columns[name](feature)
                outputs[name] = self.heads[name](feature)
            return outputs
        if self.structure == 'merge_in':
            merged = torch.cat([self.columns[name](inputs)
                                for name in self.tasks], dim=1)
            feature = self.common(merged)
            return {name: head(feature) for name, head in self.heads.items()}
        feature = self.common(inputs)
        return {name: self.heads[name](self.columns[name](feature)
                                       if name in self.columns else feature)
                for name in self.tasks}


def check_structure(structure: str, tasks: Sequence[str]) -> str:
    """``structure`` if known and fit for the number of tasks."""
    if structure not in STRUCTURES:
        raise ValueError(f'structure must be one of {STRUCTURES}, got '
                         f'{structure!r}')
    if (structure == 'single') != (len(tasks) == 1):
        need = 'one task' if structure == 'single' else 'two or more tasks'
        raise ValueError(f'structure={structure!r} needs {need}, got '
                         f'{list(tasks)}')
    return structure


def check_split(structure: str, split: Optional[int]) -> Optional[int]:
    """``split`` within the range of its structure (None where unused)."""
    bounds = dict(branch_out=NUM_LAYERS, merge_in=NUM_LAYERS - 1)
    if structure not in bounds:
        if split is not None:
            raise ValueError(f'split is only for branch_out and merge_in, '
                             f'got split={split} with {structure!r}')
        return None
    if split is None or not 1 <= split <= bounds[structure]:
        raise ValueError(f'structure={structure!r} needs split in '
                         f'1..{bounds[structure]}, got {split!r}')
    return split


def check_order(structure: str, order: Optional[Sequence[str]],
                tasks: Sequence[str]) -> tuple:
    """The task order of a cascade (the tasks' order elsewhere)."""
    if order is None:
        return tuple(tasks)
    if structure != 'cascaded':
        raise ValueError(f'order is only for cascaded, got order={order} '
                         f'with {structure!r}')
    if sorted(order) != sorted(tasks):
        raise ValueError(f'order must list every task once, got '
                         f'{list(order)} for the tasks {list(tasks)}')
    return tuple(order)
