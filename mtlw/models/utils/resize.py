"""Bilinear resizing of batched maps."""
from typing import Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor


def resize(maps: Tensor, size: Sequence[int]) -> Tensor:
    """Bilinear resize of (B, C, h, w) maps to ``size``, if it differs."""
    size: Tuple[int, int] = tuple(int(s) for s in size[-2:])
    if tuple(maps.shape[-2:]) == size:
        return maps
    return F.interpolate(maps, size=size, mode='bilinear', align_corners=False)


def concat_resized(maps: Sequence[Tensor]) -> Tensor:
    """Maps resized to the first one's size and concatenated on channels."""
    size = maps[0].shape[-2:]
    return torch.cat([resize(value, size) for value in maps], dim=1)
