"""The synergy network of Jiao et al., "Look Deeper into Depth" (ECCV 2018)."""
from typing import Dict, List, Optional, Sequence

from mmcv.cnn import ConvModule
from mmengine.model import BaseModule, ModuleDict, ModuleList
from torch import Tensor, nn

from mtlw.registry import MODELS
from ..backbones.deeplab_encoder import encoder_channels
from ..necks.lateral_sharing_unit import LateralSharingUnit
from ..utils.resize import resize
from .semantic_depth_predictor import SemanticDepthPredictor

#: Decoder layers: four up-convs and the output conv (Jiao et al., ECCV 2018,
#: supplementary Table 2: S1 .. S5 share the first one to five of them).
NUM_LAYERS = 5


class UpConv(nn.Sequential):
    """Bilinear x2 upsampling, then a 3x3 conv with BN and ReLU."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__(
            nn.Upsample(scale_factor=2, mode='bilinear', align_corners=False),
            ConvModule(in_channels, out_channels, 3, padding=1,
                       norm_cfg=dict(type='BN')))


def up_convs(channels: Sequence[int], first: int, stop: int) -> ModuleList:
    """Up-convs ``first + 1 .. stop`` (1-based) of the widths ``channels``."""
    return ModuleList(UpConv(channels[i], channels[i + 1])
                      for i in range(first, stop))


class SynergyBranch(BaseModule):
    """The layers of one decoder branch after the shared ones: its
    up-convs, the up-skip maps ``h^`` (1x1 conv with BN and ReLU to the
    last width, upsampled) of the decoder input and of the first three
    up-convs, and the output conv.

    Args:
        channels (Sequence[int]): Widths of the input and of the four
            up-convs, e.g. (1024, 512, 256, 128, 64).
        out_channels (int): Output channels (the task's, or all tasks'
            when the output conv is shared).
        num_shared (int): Up-convs shared before the branch (0 .. 4); the
            branch holds the others.
    """

    def __init__(self, channels: Sequence[int], out_channels: int,
                 num_shared: int = 0) -> None:
        super().__init__()
        self.ups = up_convs(channels, num_shared, NUM_LAYERS - 1)
        self.skips = ModuleList(
            ConvModule(width, channels[-1], 1, norm_cfg=dict(type='BN'))
            for width in channels[:-1])
        self.out = nn.Conv2d(channels[-1], out_channels, 3, padding=1)

    def fuse(self, history: List[Tensor]) -> Tensor:
        """The output conv on ``sum_i h^(x_i) + x_last``."""
        size = history[-1].shape[-2:]
        total = history[-1]
        for skip, feature in zip(self.skips, history[:-1]):
            total = total + resize(skip(feature), size)
        return self.out(total)


@MODELS.register_module()
class SynergyNet(SemanticDepthPredictor):
    """Synergy network (Jiao et al., "Look Deeper into Depth", ECCV 2018;
    supplementary section 3 and Table 3).

    A shared ResNet50 encoder (its stride-32 map), a 1x1 conv ``conv2`` to
    ``channels[0]`` (1024), and one decoder branch per task
    (:class:`SynergyBranch`): four up-convs (512, 256, 128, 64 channels at
    1/16 .. 1/2), up-skip connections ``h^`` summed with the last up-conv
    before the output conv, upsampled to the input by the base.
    After each of the first three up-convs a :class:`LateralSharingUnit`
    mixes the branches with learnable scalars.

    Branch-out variants (supplementary Table 2, "S1-k"): with ``split = k`` the
    first ``k`` of the five decoder layers (four up-convs, then the output
    conv with its up-skips) are shared by all tasks and the branches start
    after them; lateral units act only between separate branches. ``k = 5``
    shares the whole decoder, whose output holds every task's channels.
    ``split=0, lateral=True`` is the synergy net; ``lateral=False`` the
    plain branch-out nets.

    Use ``shared='backbone'`` for gradient-based weighters.

    Args:
        tasks (dict[str, dict]): See :class:`SemanticDepthPredictor`
            (usually ``depth`` and ``seg``).
        backbone (dict): Encoder config returning its stride-32 map, e.g.
            timm ``resnet50`` with ``out_indices=(4, )``.
        channels (Sequence[int]): Widths of ``conv2`` and the four up-convs.
            Defaults to (1024, 512, 256, 128, 64).
        split (int): Number of shared decoder layers, 0 .. 5.
        lateral (bool): Use lateral sharing units. Defaults to True.
        lateral_init (float): Initial ``phi`` of the units.
        in_channels (int, optional): Encoder channels if they cannot be
            read from timm.
        **kwargs: See :class:`SemanticDepthPredictor`.
    """

    def __init__(self, tasks: Dict[str, dict], backbone: dict,
                 channels: Sequence[int] = (1024, 512, 256, 128, 64),
                 split: int = 0, lateral: bool = True,
                 lateral_init: float = 0.0,
                 in_channels: Optional[int] = None, **kwargs) -> None:
        super().__init__(tasks, **kwargs)
        if len(channels) != NUM_LAYERS:
            raise ValueError(f'SynergyNet channels are {NUM_LAYERS} widths '
                             f'(conv2 and four up-convs), got {channels}')
        if not 0 <= split <= NUM_LAYERS:
            raise ValueError(f'split must be in 0..{NUM_LAYERS}, got {split}')
        self.split = split
        self.backbone = MODELS.build(backbone)
        width = in_channels or encoder_channels(self.backbone)[-1]
        self.conv2 = ConvModule(width, channels[0], 1,
                                norm_cfg=dict(type='BN'))
        num_shared = min(split, NUM_LAYERS - 1)
        self.shared_ups = up_convs(channels, 0, num_shared)
        self.shared_head = None
        self.branches = ModuleDict()
        if split == NUM_LAYERS:
            total = sum(task.channels for task in self.tasks.values())
            self.shared_head = SynergyBranch(channels, total, num_shared)
        else:
            self.branches = ModuleDict({
                name: SynergyBranch(channels, task.channels, num_shared)
                for name, task in self.tasks.items()
            })
        separate = range(split + 1, NUM_LAYERS - 1)  # after up-conv 1..3
        self.laterals = ModuleDict({
            str(layer): LateralSharingUnit(len(self.tasks), lateral_init)
            for layer in separate
        }) if lateral and len(self.tasks) > 1 else ModuleDict()

    def forward_outputs(self, inputs: Tensor) -> Dict[str, Tensor]:
        feature = self.backbone(inputs)
        if isinstance(feature, (tuple, list)):
            feature = feature[-1]
        shared_history = [self.conv2(feature)]
        for up in self.shared_ups:
            shared_history.append(up(shared_history[-1]))
        if self.shared_head is not None:
            return self.split_tasks(self.shared_head.fuse(shared_history))
        names = list(self.tasks)
        histories = {name: list(shared_history) for name in names}
        for index in range(NUM_LAYERS - 1 - len(self.shared_ups)):
            layer = len(self.shared_ups) + index + 1  # 1-based up-conv
            new = [self.branches[name].ups[index](histories[name][-1])
                   for name in names]
            if str(layer) in self.laterals:
                new = self.laterals[str(layer)](new)
            for name, value in zip(names, new):
                histories[name].append(value)
        return {name: self.branches[name].fuse(histories[name])
                for name in names}
