"""PAD-Net's attention-gated message passing between task features."""
from typing import Dict, Sequence

import torch
from mmengine.model import BaseModule, ModuleDict
from torch import Tensor, nn

from mtlw.registry import MODELS


@MODELS.register_module()
class CrossTaskDistillation(BaseModule):
    """Multi-modal distillation of PAD-Net (Xu et al., CVPR 2018) as used
    by the distilled DeepLabV3+ of Argenziano and Pagani, "Multi-Task
    Learning for Semantics and Depth" (course report, 2022).

    For each task ``t`` a gate ``G_t = sigmoid(W_g^t * F_t)`` is computed
    from its own features, and every other task ``s`` sends a message
    ``W_{s->t} * F_s``; the result is

    ``F_t' = F_t + sum_{s != t} G_t (.) (W_{s->t} * F_s)``

    (``*`` a 3x3 convolution, ``(.)`` the elementwise product). For
    semantics and depth: ``F_seg' = F_seg + G_seg (.) conv(F_depth)`` and
    the symmetric one.

    Args:
        tasks (Sequence[str]): Task names, at least two.
        channels (int): Channels of every task's features.
    """

    def __init__(self, tasks: Sequence[str], channels: int) -> None:
        super().__init__()
        tasks = list(tasks)
        if len(tasks) < 2 or len(set(tasks)) != len(tasks):
            raise ValueError(f'distillation needs two or more distinct '
                             f'tasks, got {tasks}')
        self.task_names = tasks
        self.gates = ModuleDict({
            task: nn.Conv2d(channels, channels, 3, padding=1)
            for task in tasks
        })
        self.messages = ModuleDict({
            f'{source}_to_{target}': nn.Conv2d(channels, channels, 3,
                                               padding=1)
            for target in tasks for source in tasks if source != target
        })

    def gate(self, task: str, features: Tensor) -> Tensor:
        """``G_t = sigmoid(W_g^t * F_t)``."""
        return torch.sigmoid(self.gates[task](features))

    def forward(self, features: Dict[str, Tensor]) -> Dict[str, Tensor]:
        """``{task: F_t'}`` from ``{task: F_t}``."""
        missing = sorted(set(self.task_names) - set(features))
        if missing:
            raise KeyError(f'distillation got no features for {missing}')
        fused = {}
        for target in self.task_names:
            message = sum(self.messages[f'{source}_to_{target}'](
                features[source]) for source in self.task_names
                          if source != target)
            fused[target] = features[target] + self.gate(
                target, features[target]) * message
        return fused
