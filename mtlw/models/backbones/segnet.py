"""The SegNet encoder-decoder as the shared network of SegNet-MTAN."""
from typing import List, NamedTuple, Optional, Sequence

from mmengine.model import BaseModule, ModuleList
from torch import Tensor, nn

from mtlw.registry import MODELS

#: The widths of SegNet's five levels (Badrinarayanan et al.; MTAN's NYUv2
#: network).
SEGNET_CHANNELS = (64, 128, 256, 512, 512)
#: Xavier-normal convolutions with zero biases, as the MTAN authors start.
XAVIER_INIT = dict(type='Xavier', layer='Conv2d', distribution='normal')


def conv_bn_relu(in_channels: int, out_channels: int,
                 repeats: int = 1) -> nn.Sequential:
    """``repeats`` x (3x3 conv with bias, batch norm, ReLU); the first conv
    maps ``in_channels`` to ``out_channels``, the others keep the width."""
    layers = []
    for index in range(repeats):
        layers += [
            nn.Conv2d(in_channels if index == 0 else out_channels,
                      out_channels, 3, padding=1),
            nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True)]
    return nn.Sequential(*layers)


class SegNetFeatures(NamedTuple):
    """What the shared SegNet hands to the attention modules, per level
    (index 0: full resolution, -1: the coarsest)."""

    #: Output of each encoder level's first conv block.
    encoder_first: List[Tensor]
    #: Output of each encoder level (before its max pooling).
    encoder_last: List[Tensor]
    #: Input of each decoder level (the unpooled map).
    decoder_input: List[Tensor]
    #: Output of each decoder level.
    decoder_last: List[Tensor]


@MODELS.register_module()
class SegNet(BaseModule):
    """SegNet (Badrinarayanan, Kendall, Cipolla, "SegNet: A Deep
    Convolutional Encoder-Decoder Architecture for Image Segmentation",
    TPAMI 2017) in the form of the shared network of SegNet-MTAN (Liu,
    Johns, Davison, "End-to-End Multi-Task Learning with Attention", CVPR
    2019; the authors' ``im2im_pred/model_segnet_mtan.py``).

    Encoder level ``l`` (width ``c_l``): a first block (3x3 conv, BN, ReLU)
    to ``c_l`` and one more block at levels 0 and 1, two more at the others,
    then 2x2 max pooling (indices kept). Decoder level ``l``, run from the
    coarsest up: max unpooling with level ``l``'s indices, a first block to
    ``c_(l-1)`` (``c_0`` at level 0) and the same number of further blocks
    as the encoder level. With the default widths this is VGG-16's
    13-conv encoder mirrored.

    ``forward`` returns every level's maps (:class:`SegNetFeatures`), which
    the task attention modules read; the decoder's last map (width ``c_0``,
    full resolution) is ``decoder_last[0]``.

    Args:
        channels (Sequence[int]): Width of each level, two or more. Defaults
            to :data:`SEGNET_CHANNELS`; the CPU twin uses a narrower set.
        in_channels (int): Image channels. Defaults to 3.
        init_cfg (dict, optional): Defaults to Xavier-normal convolutions
            with zero biases.
    """

    def __init__(self, channels: Sequence[int] = SEGNET_CHANNELS,
                 in_channels: int = 3,
                 init_cfg: Optional[dict] = XAVIER_INIT) -> None:
        super().__init__(init_cfg=init_cfg)
        channels = tuple(channels)
        if len(channels) < 2 or any(
                not isinstance(c, int) or c < 1 for c in channels):
            raise ValueError('SegNet channels must be two or more positive '
                             f'ints, got {channels!r}')
        self.channels = channels
        inputs = (in_channels, ) + channels[:-1]
        self.encoder_first = ModuleList(
            conv_bn_relu(inputs[level], width)
            for level, width in enumerate(channels))
        self.encoder_rest = ModuleList(
            conv_bn_relu(width, width, self.repeats(level))
            for level, width in enumerate(channels))
        self.decoder_first = ModuleList(
            conv_bn_relu(width, self.below(level))
            for level, width in enumerate(channels))
        self.decoder_rest = ModuleList(
            conv_bn_relu(self.below(level), self.below(level),
                         self.repeats(level))
            for level in range(len(channels)))
        self.pool = nn.MaxPool2d(2, 2, return_indices=True)
        self.unpool = nn.MaxUnpool2d(2, 2)

    @staticmethod
    def repeats(level: int) -> int:
        """Blocks after the first one at ``level``: 1 at levels 0-1, else
        2."""
        return 1 if level < 2 else 2

    def below(self, level: int) -> int:
        """Output width of decoder ``level``: ``c_(l-1)``, ``c_0`` at 0."""
        return self.channels[max(level - 1, 0)]

    def forward(self, x: Tensor) -> SegNetFeatures:
        """(B, in_channels, H, W) -> the maps of every level."""
        features = SegNetFeatures([], [], [], [])
        indices, sizes = [], []
        for first, rest in zip(self.encoder_first, self.encoder_rest):
            features.encoder_first.append(first(x))
            features.encoder_last.append(rest(features.encoder_first[-1]))
            sizes.append(features.encoder_last[-1].shape[-2:])
            x, index = self.pool(features.encoder_last[-1])
            indices.append(index)
        for level in reversed(range(len(self.channels))):
            x = self.unpool(x, indices[level], output_size=sizes[level])
            features.decoder_input.insert(0, x)
            x = self.decoder_rest[level](self.decoder_first[level](x))
            features.decoder_last.insert(0, x)
        return features
