"""mmseg's ResNet, run stage by stage, from torchvision's ImageNet weights
on request."""
from typing import List, Optional, Tuple

from mmseg.models.backbones import ResNet
from torch import Tensor, nn

from mtlw.registry import MODELS
from .pretrained_weights import load_checked, source_weights
from .timm_encoder import download_timm_weights, timm_source

#: The ImageNet classifier of torchvision's / timm's ResNets, absent here.
CLASSIFIER = ('fc.weight', 'fc.bias')


def torchvision_resnet_tag(depth: int) -> str:
    """timm's name of torchvision's ImageNet weights of ResNet-``depth``
    (``IMAGENET1K_V1``, what ``torchvision.models.resnet50(pretrained=True)``
    loads, as LibMTL's ``resnet_dilated`` does)."""
    return f'resnet{depth}.tv_in1k'


@MODELS.register_module()
class StagedResNet(ResNet):
    """mmseg's ``ResNet`` (same arguments, same parameter names, so its
    checkpoints load) with access to its stages, for networks that act
    between them: MTAN's attention on each stage, NDDR-CNN's fusion of the
    task columns after each stage.

    ``forward`` is mmseg's (the maps of ``out_indices``). A dilated encoder
    of output stride 8, as in LibMTL's ``resnet_dilated``, is
    ``strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4)``.

    ``pretrained=True`` starts from torchvision's ImageNet weights of the
    ResNet of this ``depth`` (fetched through timm, tag
    ``resnet<depth>.tv_in1k``, on first use); ``checkpoint=PATH`` loads a
    local file instead (torchvision's or timm's ``.pth`` / ``.safetensors``,
    checked first). mmseg's ResNet (plain stem) names its parameters as
    torchvision does (``conv1``, ``bn1``, ``layer1.0.downsample.0`` ...), so
    the file's keys are taken as they are, the classifier ``fc`` dropped;
    dilation does not change the weights' shapes. Without network the error
    names the file to place and the key ``model.backbone.checkpoint``.

    Args:
        pretrained (bool, optional): Start from the ImageNet weights
            (``None``, mmseg's default, is ``False``; mmseg's path form is
            ``checkpoint``).
        checkpoint (str, optional): A local file with those weights; loaded
            whenever given.
        **kwargs: mmseg ``ResNet`` arguments (``depth``, ``strides``,
            ``dilations``, ...).
    """

    def __init__(self, pretrained: Optional[bool] = False,
                 checkpoint: Optional[str] = None, **kwargs) -> None:
        if isinstance(pretrained, str):
            raise TypeError(
                f'StagedResNet takes pretrained=True/False; load the file '
                f'{pretrained!r} with checkpoint={pretrained!r}')
        super().__init__(**kwargs)
        if pretrained or checkpoint is not None:
            self.load_weights(checkpoint)

    def load_weights(self, checkpoint: Optional[str]) -> None:
        """Load torchvision's ImageNet weights (local file or download)."""
        tag = torchvision_resnet_tag(self.depth)
        source, file_name = timm_source(tag)
        model = f"torchvision's ResNet-{self.depth} ({tag})"
        weights = source_weights(checkpoint,
                                 lambda: download_timm_weights(tag), model,
                                 source, file_name)
        load_checked(self, weights, CLASSIFIER, checkpoint or source, model)

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
