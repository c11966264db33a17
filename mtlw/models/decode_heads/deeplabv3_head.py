"""The DeepLabV3 head: ASPP, a 3x3 conv and a 1x1 classifier."""
from typing import Sequence

from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import Tensor, nn

from mtlw.registry import MODELS
from .aspp import ASPP


@MODELS.register_module()
class DeepLabV3Head(BaseModule):
    """DeepLabV3's head (Chen, Papandreou, Schroff, Adam, "Rethinking Atrous
    Convolution for Semantic Image Segmentation", arXiv 2017) in the form
    torchvision and LibMTL use for each task of their NYUv2 networks:
    :class:`ASPP` (rates 12, 24, 36), dropout, a 3x3 conv (BN, ReLU) and a
    1x1 conv to ``out_channels``.

    One difference in size from torchvision's head: mtlw's ASPP projects
    the pooled vector with a biased 1x1 conv and no BN (``channels`` fewer
    parameters).

    Args:
        in_channels (int): Channels of the encoder's map.
        out_channels (int): Channels of the output (the task's).
        channels (int): Width of the ASPP and the 3x3 conv. Defaults to 256.
        dilations (Sequence[int]): ASPP rates. Defaults to (12, 24, 36).
        dropout (float): Dropout after the ASPP. Defaults to 0.5.
        norm_cfg (dict): Normalisation. Defaults to BN.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 channels: int = 256,
                 dilations: Sequence[int] = (12, 24, 36),
                 dropout: float = 0.5,
                 norm_cfg: dict = dict(type='BN')) -> None:
        super().__init__()
        self.aspp = ASPP(in_channels, channels, dilations, norm_cfg=norm_cfg)
        self.dropout = nn.Dropout(dropout)
        self.conv = ConvModule(channels, channels, 3, padding=1,
                               norm_cfg=norm_cfg, act_cfg=dict(type='ReLU'))
        self.classifier = nn.Conv2d(channels, out_channels, 1)

    def forward(self, x: Tensor) -> Tensor:
        """(B, in_channels, h, w) -> (B, out_channels, h, w)."""
        return self.classifier(self.conv(self.dropout(self.aspp(x))))
