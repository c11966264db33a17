"""The NDDR layer of NDDR-CNN: fusion of the task columns' features."""
from typing import List, Optional, Sequence

import torch
from mmengine.model import BaseModule, ModuleList
from torch import Tensor, nn

from mtlw.registry import MODELS


def nddr_init(num_tasks: int, channels: int, task: int, alpha: float,
              beta: float) -> Tensor:
    """The (C, K*C, 1, 1) weight of task ``task``'s 1x1 conv: ``alpha * I``
    on its own column's block, ``beta * I`` on every other column's."""
    blocks = [torch.eye(channels) * (alpha if index == task else beta)
              for index in range(num_tasks)]
    return torch.cat(blocks, dim=1)[..., None, None]


@MODELS.register_module()
class NDDRLayer(BaseModule):
    """Neural discriminative dimensionality reduction layer of Gao, Ma,
    Zhao, Liu, Yuille, "NDDR-CNN: Layerwise Feature Fusing in Multi-Task
    CNNs by Neural Discriminative Dimensionality Reduction" (CVPR 2019,
    section 3).

    The K columns' maps (C channels each) are concatenated; for each task
    a 1x1 conv (no bias) maps the K*C channels back to C, followed by batch
    normalisation and ReLU: ``x_k' = ReLU(BN_k(W_k [x_1, ..., x_K]))``.
    ``W_k`` starts as ``alpha * I`` on column ``k``'s block and ``beta * I``
    on the others, BN at weight 1 and bias 0: the paper's diagonal
    initialisation, (0.9, 0.1) for its two tasks. ``beta`` defaults to
    ``(1 - alpha) / (K - 1)``, the weight left by ``alpha`` spread over the
    other columns, so that every row sums to 1, as (0.9, 0.1) for two tasks
    and Vandenhende et al.'s (0.8, 0.05) for five.

    Args:
        num_tasks (int): K, the number of columns.
        channels (int): C, the channels of every column's map.
        alpha (float): Initial weight of a column's own channels.
            Defaults to 0.9.
        beta (float, optional): Initial weight of another column's
            channels. Defaults to ``(1 - alpha) / (K - 1)``.
        momentum (float): BN momentum. Defaults to 0.05 (the authors').
        init_cfg (dict, optional): mmengine initialisation config (the
            diagonal initialisation is made at construction).
    """

    def __init__(self, num_tasks: int, channels: int, alpha: float = 0.9,
                 beta: Optional[float] = None, momentum: float = 0.05,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        for name, value in (('num_tasks', num_tasks), ('channels', channels)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f'{name} must be a positive int, got '
                                 f'{value!r}')
        self.num_tasks = num_tasks
        if beta is None:
            beta = (1 - alpha) / (num_tasks - 1) if num_tasks > 1 else 0.0
        self.layers = ModuleList()
        for task in range(num_tasks):
            conv = nn.Conv2d(num_tasks * channels, channels, 1, bias=False)
            with torch.no_grad():
                conv.weight.copy_(
                    nddr_init(num_tasks, channels, task, alpha, beta))
            self.layers.append(nn.Sequential(
                conv, nn.BatchNorm2d(channels, momentum=momentum),
                nn.ReLU(inplace=True)))

    def forward(self, features: Sequence[Tensor]) -> List[Tensor]:
        """K maps (B, C, h, w) -> K fused maps of the same shape."""
        if len(features) != self.num_tasks:
            raise ValueError(f'an NDDR layer of {self.num_tasks} tasks got '
                             f'{len(features)} maps')
        stacked = torch.cat(list(features), dim=1)
        return [layer(stacked) for layer in self.layers]
