"""ASPP and the DeepLabV3+ decoder: one task head.

As in Argenziano and Pagani, "Multi-Task Learning for Semantics and Depth"
(course report, Deep Learning for Autonomous Driving, 2022).
"""
from typing import Tuple

from mmengine.model import BaseModule
from torch import Tensor

from mtlw.registry import MODELS
from .aspp import ASPP
from .deeplabv3plus_decoder import DeepLabV3PlusDecoder


@MODELS.register_module()
class DeepLabV3PlusHead(BaseModule):
    """:class:`ASPP` on the encoder's last map, then a
    :class:`DeepLabV3PlusDecoder` with the stride-4 skip.

    Args:
        in_channels (int): Channels of the encoder's last (stride 16) map.
        skip_in_channels (int): Channels of the stride-4 skip.
        out_channels (int): Predicted channels.
        aspp (dict): Further :class:`ASPP` arguments (``channels``,
            ``dilations``, ``se``).
        decoder (dict): Further :class:`DeepLabV3PlusDecoder` arguments
            (``channels``, ``skip_channels``, ``se``).
    """

    def __init__(self, in_channels: int, skip_in_channels: int,
                 out_channels: int, aspp: dict = dict(),
                 decoder: dict = dict()) -> None:
        super().__init__()
        self.aspp = ASPP(in_channels, **aspp)
        self.decoder = DeepLabV3PlusDecoder(
            self.aspp.out_channels, out_channels,
            skip_in_channels=skip_in_channels, **decoder)

    def forward(self, bottleneck: Tensor,
                skip: Tensor) -> Tuple[Tensor, Tensor]:
        """Predictions and decoder features at the skip's size."""
        return self.decoder(self.aspp(bottleneck), skip)
