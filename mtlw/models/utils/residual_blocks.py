"""Stacks of ResNet blocks that change the width with a projected skip."""
from mmseg.models.backbones.resnet import BasicBlock, Bottleneck
from torch import nn

#: Block types of :func:`residual_blocks`.
BLOCKS = dict(basic=BasicBlock, bottleneck=Bottleneck)


def projection(in_channels: int, out_channels: int) -> nn.Sequential:
    """The skip branch of a block that changes the width: a 1x1
    convolution without bias, then batch norm."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 1, bias=False),
        nn.BatchNorm2d(out_channels))


def residual_blocks(in_channels: int, out_channels: int, num_blocks: int = 2,
                    block: str = 'basic') -> nn.Sequential:
    """``num_blocks`` ResNet blocks (He et al., "Deep Residual Learning for
    Image Recognition", CVPR 2016) from ``in_channels`` to ``out_channels``.

    The first block maps the width, with :func:`projection` as its skip
    when the widths differ; a bottleneck block has ``out_channels / 4``
    inner channels.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels of every block.
        num_blocks (int): Number of blocks, at least 1. Defaults to 2.
        block (str): ``'basic'`` or ``'bottleneck'``.

    Returns:
        nn.Sequential: The blocks.
    """
    if block not in BLOCKS:
        raise ValueError(f'block must be one of {tuple(BLOCKS)}, got '
                         f'{block!r}')
    if num_blocks < 1:
        raise ValueError(f'num_blocks must be >= 1, got {num_blocks}')
    cls = BLOCKS[block]
    if out_channels % cls.expansion:
        raise ValueError(f'{block} blocks need out_channels divisible by '
                         f'{cls.expansion}, got {out_channels}')
    planes = out_channels // cls.expansion
    skip = (projection(in_channels, out_channels)
            if in_channels != out_channels else None)
    layers = [cls(in_channels, planes, downsample=skip)]
    layers += [cls(out_channels, planes) for _ in range(num_blocks - 1)]
    return nn.Sequential(*layers)
