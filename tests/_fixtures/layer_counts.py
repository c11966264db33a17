"""Parameter counts of plain layers, written from the layer sizes alone
(independent references for the architecture tests)."""
from typing import Sequence


def conv(cin: int, cout: int, kernel: int = 1, bias: bool = True) -> int:
    """A convolution's weights (and bias)."""
    return kernel * kernel * cin * cout + (cout if bias else 0)


def bn(channels: int) -> int:
    """Batch norm: scale and shift."""
    return 2 * channels


def projection(cin: int, cout: int) -> int:
    """1x1 conv without bias + BN, the skip of a width-changing block."""
    return conv(cin, cout, bias=False) + bn(cout) if cin != cout else 0


def basic_block(cin: int, cout: int) -> int:
    """ResNet basic block: two 3x3 convs without bias, each with BN."""
    return (conv(cin, cout, 3, False) + bn(cout) + conv(cout, cout, 3, False)
            + bn(cout) + projection(cin, cout))


def bottleneck(cin: int, cout: int) -> int:
    """ResNet bottleneck: 1x1, 3x3, 1x1 with ``cout / 4`` inner width."""
    inner = cout // 4
    return (conv(cin, inner, bias=False) + bn(inner)
            + conv(inner, inner, 3, False) + bn(inner)
            + conv(inner, cout, bias=False) + bn(cout)
            + projection(cin, cout))


def hrnet_head(channels: Sequence[int], out: int) -> int:
    """HRNetV2 head: 1x1 conv S -> S (bias) + BN, 1x1 conv S -> out."""
    total = sum(channels)
    return conv(total, total) + bn(total) + conv(total, out)


def gated_distillation(channels: int, targets: Sequence[str],
                       sources: Sequence[str], per_pair_gate: bool,
                       bias: bool) -> int:
    """Messages (and gates) of PAD-Net's distillation: 3x3 convs."""
    pairs = sum(1 for t in targets for s in sources if s != t)
    gates = pairs if per_pair_gate else len(targets)
    return (pairs + gates) * conv(channels, channels, 3, bias)
