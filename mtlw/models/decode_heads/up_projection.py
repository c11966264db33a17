"""The up-projection block of FCRN (Laina et al., 3DV 2016)."""
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import Tensor, nn

from mtlw.registry import MODELS

BN = dict(type='BN')


def zero_unpool(x: Tensor) -> Tensor:
    """2x unpooling of Laina et al.: each entry goes to the top-left corner
    of its 2x2 block, the other three entries are zero.

    Args:
        x (Tensor): (B, C, H, W).

    Returns:
        Tensor: (B, C, 2H, 2W).
    """
    batch, channels, height, width = x.shape
    out = x.new_zeros(batch, channels, 2 * height, 2 * width)
    out[:, :, ::2, ::2] = x
    return out


@MODELS.register_module()
class UpProjection(BaseModule):
    """Up-projection block of Laina, Rupprecht, Belagiannis, Tombari and
    Navab, "Deeper Depth Prediction with Fully Convolutional Residual
    Networks" (3DV 2016, section 3.1 and Figure 2c).

    ``u = unpool(x)`` (:func:`zero_unpool`, doubling the size), then

    - main branch: 5x5 conv + BN + ReLU, 3x3 conv + BN;
    - projection branch: 5x5 conv + BN;
    - ``out = ReLU(main(u) + projection(u))``.

    The authors compute each unpool + 5x5 conv as four interleaved small
    convolutions (their fast variant); the result is the same map. The
    convolutions followed by BN have no bias here (BN's offset plays its
    part).

    Args:
        in_channels (int): Input width.
        out_channels (int): Output width (the authors halve the width in
            every block).
        init_cfg (dict, optional): mmengine initialisation config.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.main = nn.Sequential(
            ConvModule(in_channels, out_channels, 5, padding=2, norm_cfg=BN),
            ConvModule(out_channels, out_channels, 3, padding=1, norm_cfg=BN,
                       act_cfg=None))
        self.projection = ConvModule(in_channels, out_channels, 5, padding=2,
                                     norm_cfg=BN, act_cfg=None)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        """(B, in_channels, H, W) -> (B, out_channels, 2H, 2W)."""
        unpooled = zero_unpool(x)
        return self.relu(self.main(unpooled) + self.projection(unpooled))
