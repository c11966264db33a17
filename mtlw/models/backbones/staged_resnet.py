"""mmseg's ResNet, run stage by stage."""
from typing import List, Tuple

from mmseg.models.backbones import ResNet
from torch import Tensor, nn

from mtlw.registry import MODELS


@MODELS.register_module()
class StagedResNet(ResNet):
    """mmseg's ``ResNet`` (same arguments, same parameter names, so its
    checkpoints load) with access to its stages, for networks that act
    between them: MTAN's attention on each stage, NDDR-CNN's fusion of the
    task columns after each stage.

    ``forward`` is mmseg's (the maps of ``out_indices``). A dilated encoder
    of output stride 8, as in LibMTL's ``resnet_dilated``, is
    ``strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4)``.
    """

    def forward_stem(self, x: Tensor, pool: bool = True) -> Tensor:
        """The stem (``stem_channels`` wide) and, with ``pool``, its max
        pooling: the input of the first stage."""
        if self.deep_stem:
            x = self.stem(x)
        else:
            x = self.relu(self.norm1(self.conv1(x)))
        return self.maxpool(x) if pool else x

    @property
    def stages(self) -> List[nn.Sequential]:
        """The residual stages (``layer1`` ...), in order."""
        return [getattr(self, name) for name in self.res_layers]

    def forward_stage(self, x: Tensor, index: int) -> Tuple[Tensor, Tensor]:
        """Run stage ``index``: the input of its last block and its
        output."""
        blocks = list(self.stages[index])
        for block in blocks[:-1]:
            x = block(x)
        return x, blocks[-1](x)

    @property
    def stage_channels(self) -> List[int]:
        """Output channels of every stage."""
        return [self.base_channels * 2**index * self.block.expansion
                for index in range(len(self.res_layers))]

    def make_block(self, in_channels: int, out_channels: int) -> nn.Module:
        """A residual block of this ResNet's kind (basic or bottleneck),
        stride 1, from ``in_channels`` to ``out_channels`` (a multiple of
        the block's expansion), with a 1x1 conv + BN shortcut."""
        expansion = self.block.expansion
        if out_channels % expansion:
            raise ValueError(f'out_channels must be a multiple of the block '
                             f'expansion {expansion}, got {out_channels}')
        shortcut = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 1, bias=False),
            nn.BatchNorm2d(out_channels))
        return self.block(in_channels, out_channels // expansion,
                          downsample=shortcut, norm_cfg=self.norm_cfg)
