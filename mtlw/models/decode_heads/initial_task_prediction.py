"""The per-task first predictions of PAD-Net and MTI-Net."""
from typing import Dict, Tuple, Union

from mmengine.model import BaseModule, ModuleDict
from torch import Tensor, nn

from mtlw.registry import MODELS
from ..utils.residual_blocks import residual_blocks

Features = Union[Tensor, Dict[str, Tensor]]


@MODELS.register_module()
class InitialTaskPrediction(BaseModule):
    """Task features and first predictions of every task from shared
    features (Xu et al., "PAD-Net", CVPR 2018, "multi-task predictions";
    Vandenhende et al., "MTI-Net: Multi-Scale Task Interaction Networks for
    Multi-Task Learning", ECCV 2020, "initial task predictions").

    Per task: two residual blocks (``in_channels -> channels``, as
    Vandenhende's code: basic blocks in MTI-Net, bottlenecks in PAD-Net) give
    the task's features ``F_t``, and a 1x1 convolution its prediction.

    Args:
        tasks (dict[str, int]): Task name -> output channels.
        in_channels (int): Channels of the input features.
        channels (int): Channels of every task's features.
        block (str): ``'basic'`` or ``'bottleneck'``. Defaults to
            ``'basic'``.
        num_blocks (int): Residual blocks per task. Defaults to 2.
    """

    def __init__(self, tasks: Dict[str, int], in_channels: int,
                 channels: int, block: str = 'basic',
                 num_blocks: int = 2) -> None:
        super().__init__()
        if not tasks:
            raise ValueError('InitialTaskPrediction needs at least one task')
        self.channels = channels
        self.refinement = ModuleDict({
            name: residual_blocks(in_channels, channels, num_blocks, block)
            for name in tasks
        })
        self.predictions = ModuleDict({
            name: nn.Conv2d(channels, out_channels, 1)
            for name, out_channels in tasks.items()
        })

    def forward(self, inputs: Features
                ) -> Tuple[Dict[str, Tensor], Dict[str, Tensor]]:
        """``({task: F_t}, {task: prediction})`` from shared features or
        from per-task inputs ``{task: map}``."""
        features = {
            name: refine(inputs[name] if isinstance(inputs, dict) else inputs)
            for name, refine in self.refinement.items()
        }
        return features, {name: self.predictions[name](value)
                          for name, value in features.items()}
