"""ASPP and the DeepLabV3+ decoder: one task head.

As in Argenziano and Pagani, "Multi-Task Learning for Semantics and Depth"
(course report, Deep Learning for Autonomous Driving, 2022).
"""
from typing import Optional, Tuple

from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import Tensor

from mtlw.registry import MODELS
from .aspp import ASPP
from .deeplabv3plus_decoder import DeepLabV3PlusDecoder

PLAIN_CHANNELS = 256  # width of the 1x1 conv that replaces ASPP


@MODELS.register_module()
class DeepLabV3PlusHead(BaseModule):
    """:class:`ASPP` on the encoder's last map, then a
    :class:`DeepLabV3PlusDecoder` with the stride-4 skip.

    The ablation of Argenziano and Pagani's section 1.3 ("ASPP and skip
    connections") starts from a head without both: ``aspp=None`` puts a
    1x1 conv with BN and ReLU (256 channels) in place of the pyramid, and
    ``skip=False`` builds the decoder without the stride-4 skip (its two
    3x3 convs then run at the encoder's stride; the predictions are
    resized to the input by the model).

    Args:
        in_channels (int): Channels of the encoder's last (stride 16) map.
        skip_in_channels (int): Channels of the stride-4 skip.
        out_channels (int): Predicted channels.
        aspp (dict, optional): Further :class:`ASPP` arguments
            (``channels``, ``dilations``, ``se``); None for a 1x1 conv
            instead of ASPP.
        decoder (dict): Further :class:`DeepLabV3PlusDecoder` arguments
            (``channels``, ``skip_channels``, ``se``).
        skip (bool): Whether the decoder takes the stride-4 skip. Defaults
            to True.
    """

    def __init__(self, in_channels: int, skip_in_channels: int,
                 out_channels: int, aspp: Optional[dict] = dict(),
                 decoder: dict = dict(), skip: bool = True) -> None:
        super().__init__()
        if aspp is None:
            self.aspp = ConvModule(in_channels, PLAIN_CHANNELS, 1,
                                   norm_cfg=dict(type='BN'))
            aspp_channels = PLAIN_CHANNELS
        else:
            self.aspp = ASPP(in_channels, **aspp)
            aspp_channels = self.aspp.out_channels
        self.use_skip = skip
        self.decoder = DeepLabV3PlusDecoder(
            aspp_channels, out_channels,
            skip_in_channels=skip_in_channels if skip else None, **decoder)

    def forward(self, bottleneck: Tensor,
                skip: Tensor) -> Tuple[Tensor, Tensor]:
        """Predictions and decoder features at the skip's size (at the
        bottleneck's size without the skip)."""
        return self.decoder(self.aspp(bottleneck),
                            skip if self.use_skip else None)
