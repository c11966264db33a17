"""Attention maps of activations, optionally within a depth range.

Jiao et al., "Look Deeper into Depth" (ECCV 2018, supplementary section 1,
after Zagoruyko and Komodakis, "Paying More Attention to Attention", ICLR
2017) show where a network looks through the activation tensor ``T``
(C x h x w) of a layer: ``A(T) = sum_i |T_i|``. Their depth-range study
(supplementary Tables 4-6) evaluates within a depth range; a range-bounded
map scales ``A`` to [0, 1] over the pixels whose depth is in the range only
and sets the others to 0.
"""
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor


def attention_map(features: Tensor, valid: Optional[Tensor] = None
                  ) -> Tensor:
    """``A(T) = sum_i |T_i|`` of (B, C, h, w) features, scaled to [0, 1] per
    image (a constant map gives 0).

    Args:
        features (Tensor): (B, C, h, w) activations.
        valid (Tensor, optional): (B, H, W) bool mask, e.g. the pixels whose
            depth is in a range (:func:`depth_range_mask`). ``A`` is then
            resized bilinearly to (H, W), scaled over the valid pixels and 0
            elsewhere.

    Returns:
        Tensor: (B, h, w), or (B, H, W) with ``valid``.
    """
    if features.dim() != 4:
        raise ValueError(f'attention_map expects (B, C, H, W) features, got '
                         f'{tuple(features.shape)}')
    attention = features.detach().abs().sum(dim=1)
    if valid is None:
        valid = torch.ones_like(attention, dtype=torch.bool)
    else:
        if valid.dim() != 3 or valid.shape[0] != attention.shape[0]:
            raise ValueError(f'attention_map: valid must be (B, H, W) with '
                             f'B={attention.shape[0]}, got '
                             f'{tuple(valid.shape)}')
        attention = F.interpolate(attention[:, None].float(),
                                  size=valid.shape[-2:], mode='bilinear',
                                  align_corners=False)[:, 0]
        valid = valid.to(device=attention.device, dtype=torch.bool)
    inf = torch.tensor(float('inf'), device=attention.device)
    low = torch.where(valid, attention, inf).flatten(1).amin(1)
    high = torch.where(valid, attention, -inf).flatten(1).amax(1)
    low, high = low[:, None, None], high[:, None, None]
    scaled = (attention - low) / (high - low).clamp(min=1e-12)
    return torch.where(valid, scaled.clamp(0, 1), torch.zeros_like(scaled))


def depth_range_mask(depth: Tensor, min_depth: float = 0.0,
                     max_depth: float = float('inf')) -> Tensor:
    """Pixels whose depth is finite and in ``(min_depth, max_depth]``."""
    return torch.isfinite(depth) & (depth > min_depth) & (depth <= max_depth)
