"""MTI-Net's feature propagation module (FPM)."""
from typing import Dict, Sequence

import torch
from mmengine.model import BaseModule, ModuleDict
from torch import Tensor, nn

from mtlw.registry import MODELS
from ..utils.residual_blocks import residual_blocks


class SqueezeExcitation(nn.Module):
    """Channel gating of Hu, Shen, Sun, "Squeeze-and-Excitation Networks"
    (CVPR 2018): ``x * sigmoid(W_2 relu(W_1 mean_hw(x)))`` with
    ``max(1, channels // ratio)`` hidden units (linear layers with bias).

    Args:
        channels (int): Channels of the input.
        ratio (int): Reduction ratio. Defaults to 16.
    """

    def __init__(self, channels: int, ratio: int = 16) -> None:
        super().__init__()
        hidden = max(1, channels // ratio)
        self.squeeze = nn.Sequential(
            nn.Linear(channels, hidden), nn.ReLU(),
            nn.Linear(hidden, channels), nn.Sigmoid())

    def forward(self, inputs: Tensor) -> Tensor:
        """The gated input."""
        weights = self.squeeze(inputs.mean(dim=(2, 3)))
        return inputs * weights[:, :, None, None]


@MODELS.register_module()
class FeaturePropagation(BaseModule):
    """Feature propagation module of Vandenhende, Georgoulis, Van Gool,
    "MTI-Net: Multi-Scale Task Interaction Networks for Multi-Task
    Learning" (ECCV 2020, section 3.3): the task features of one scale,
    mixed into what the next (finer) scale receives.

    For ``N`` tasks with ``C`` channels each, ``X = concat_t F_t``
    (``N C`` channels):

    1. ``A = f(X)``: a basic block to ``N C / 4`` channels, a second one,
       and a 1x1 convolution back to ``N C``;
    2. a softmax across the tasks for every channel and pixel, applied to
       ``X``: ``S = softmax_t(A) (.) X``, then a basic block to ``C``
       channels;
    3. per task ``F_t' = SE_t(S) + F_t`` (squeeze-and-excitation, ratio
       16).

    Args:
        tasks (Sequence[str]): Task names, in concatenation order.
        channels (int): Channels ``C`` of every task's features.
        ratio (int): Squeeze-and-excitation ratio. Defaults to 16.
    """

    def __init__(self, tasks: Sequence[str], channels: int,
                 ratio: int = 16) -> None:
        super().__init__()
        self.task_names = list(tasks)
        total = len(self.task_names) * channels
        if total % 4:
            raise ValueError(f'FeaturePropagation needs tasks x channels '
                             f'divisible by 4, got {total}')
        self.attention = nn.Sequential(
            residual_blocks(total, total // 4),
            nn.Conv2d(total // 4, total, 1))
        self.reduction = residual_blocks(total, channels, num_blocks=1)
        self.excitations = ModuleDict({
            name: SqueezeExcitation(channels, ratio)
            for name in self.task_names
        })

    def task_attention(self, stacked: Tensor) -> Tensor:
        """Softmax across the tasks of ``f(X)``, (B, N, C, H, W)."""
        batch, num_tasks, channels, height, width = stacked.shape
        scores = self.attention(stacked.flatten(1, 2))
        return torch.softmax(
            scores.view(batch, num_tasks, channels, height, width), dim=1)

    def forward(self, features: Dict[str, Tensor]) -> Dict[str, Tensor]:
        """``{task: F_t'}`` from ``{task: F_t}``."""
        stacked = torch.stack([features[name] for name in self.task_names],
                              dim=1)
        selected = (self.task_attention(stacked) * stacked).flatten(1, 2)
        shared = self.reduction(selected)
        return {name: self.excitations[name](shared) + features[name]
                for name in self.task_names}
