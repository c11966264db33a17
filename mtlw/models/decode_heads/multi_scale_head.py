"""The HRNetV2 head: every scale upsampled, concatenated, two 1x1 convs."""
from typing import Sequence

from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import Tensor, nn

from mtlw.registry import MODELS
from ..utils.resize import concat_resized


@MODELS.register_module()
class MultiScaleHead(BaseModule):
    """The segmentation head of HRNetV2 (Wang et al., "Deep High-Resolution
    Representation Learning for Visual Recognition", TPAMI 2020), MTI-Net's
    final aggregation (Vandenhende et al., ECCV 2020).

    Every map is upsampled bilinearly to the first (finest) one, the maps
    are concatenated (``S = sum`` of their channels), then a 1x1 conv
    ``S -> S`` with batch norm and ReLU and a 1x1 conv ``S -> out``.

    Args:
        in_channels (Sequence[int]): Channels of the maps, finest first.
        out_channels (int): Output channels.
    """

    def __init__(self, in_channels: Sequence[int], out_channels: int) -> None:
        super().__init__()
        total = sum(in_channels)
        self.num_inputs = len(in_channels)
        # with a bias before the norm, as HRNet's and Vandenhende's heads
        self.fuse = ConvModule(total, total, 1, bias=True,
                               norm_cfg=dict(type='BN'))
        self.predict = nn.Conv2d(total, out_channels, 1)

    def forward(self, inputs: Sequence[Tensor]) -> Tensor:
        """The prediction at the size of ``inputs[0]``."""
        if len(inputs) != self.num_inputs:
            raise ValueError(f'MultiScaleHead was built for '
                             f'{self.num_inputs} maps, got {len(inputs)}')
        return self.predict(self.fuse(concat_resized(inputs)))
