"""The attention mask of the Multi-Task Attention Network (MTAN)."""
from typing import Optional

from mmengine.model import BaseModule
from torch import Tensor, nn

from mtlw.registry import MODELS


@MODELS.register_module()
class TaskAttention(BaseModule):
    """Task-specific attention mask of Liu, Johns, Davison, "End-to-End
    Multi-Task Learning with Attention" (CVPR 2019, section 3.2).

    Two 1x1 convolutions, each followed by batch normalisation, with a ReLU
    between them and a sigmoid at the end:
    ``a = sigmoid(BN(conv(ReLU(BN(conv(x))))))``. The mask ``a`` has values
    in (0, 1) and is multiplied element-wise with a shared feature map of
    ``out_channels`` channels, which lets each task pick its features from
    the shared network.

    Args:
        in_channels (int): Channels of the input (the shared feature,
            concatenated with the task's previous attended feature except at
            the first stage).
        mid_channels (int): Channels after the first 1x1 convolution.
        out_channels (int): Channels of the mask (those of the shared
            feature it multiplies).
        init_cfg (dict, optional): mmengine initialisation config.
    """

    def __init__(self, in_channels: int, mid_channels: int,
                 out_channels: int, init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.layers = nn.Sequential(
            nn.Conv2d(in_channels, mid_channels, 1),
            nn.BatchNorm2d(mid_channels), nn.ReLU(inplace=True),
            nn.Conv2d(mid_channels, out_channels, 1),
            nn.BatchNorm2d(out_channels), nn.Sigmoid())

    def forward(self, x: Tensor) -> Tensor:
        """(B, in_channels, h, w) -> the (B, out_channels, h, w) mask."""
        return self.layers(x)
