"""Multi-scale (and flip) test-time augmentation of dense maps, on device."""
from typing import Callable, Collection, Dict, Mapping, Optional, Sequence

import torch.nn.functional as F
from torch import Tensor


def flip_map(maps: Tensor, kind: str) -> Tensor:
    """Mirror (B, C, H, W) maps left-right; normals also negate x."""
    flipped = maps.flip(-1)
    if kind == 'normal':
        flipped = flipped.clone()
        flipped[:, 0] = -flipped[:, 0]
    return flipped


def augmented_maps(predict: Callable[[Tensor], Dict[str, Tensor]],
                   inputs: Tensor, scales: Sequence[float], flip: bool,
                   kinds: Mapping[str, str],
                   averaged: Optional[Collection[str]] = None
                   ) -> Dict[str, Tensor]:
    """Average of the maps predicted from rescaled (and flipped) inputs.

    For every scale ``s`` (and, with ``flip``, the mirrored image too) the
    batch is resized bilinearly by ``s``, ``predict`` gives its maps (depth
    already in metres, segmentation logits), which are mirrored back,
    resized bilinearly to the input size and averaged: depth is the mean,
    segmentation the argmax of the mean logits (Argenziano and Pagani,
    "Multi-Task Learning for Semantics and Depth", used a vote over
    labels; averaging logits needs no host round trip). Everything stays on
    the inputs' device.

    Tasks outside ``averaged`` keep the map of the plain view (scale 1, not
    mirrored): the report's submission averaged depth over the scales
    (1, 0.5, 2, 3) and kept the unaugmented segmentation (section 4.4).

    Args:
        predict (Callable): Batch (B, 3, h, w) -> ``{task: (B, C, h, w)}``.
        inputs (Tensor): (B, 3, H, W) normalised images.
        scales (Sequence[float]): Scale factors, e.g. (0.5, 1, 2).
        flip (bool): Also predict from the mirrored images.
        kinds (Mapping[str, str]): Task -> kind (``'normal'`` maps are
            flipped with their x negated).
        averaged (Collection[str], optional): The tasks averaged over the
            views; None averages every task. The others need scale 1 in
            ``scales``.

    Returns:
        dict[str, Tensor]: Averaged maps at the input size.
    """
    if not scales or any(scale <= 0 for scale in scales):
        raise ValueError(f'test scales must be a non-empty list of positive '
                         f'factors, got {scales}')
    if averaged is not None and 1 not in scales:
        raise ValueError(f'tasks kept from the plain view (averaged='
                         f'{sorted(averaged)}) need scale 1 in the test '
                         f'scales, got {scales}')
    size = inputs.shape[-2:]
    sums: Dict[str, Tensor] = {}
    plain: Dict[str, Tensor] = {}
    views = 0
    for scale in scales:
        scaled = inputs if scale == 1 else F.interpolate(
            inputs, scale_factor=scale, mode='bilinear', align_corners=False)
        for mirrored in ((False, True) if flip else (False, )):
            maps = predict(scaled.flip(-1) if mirrored else scaled)
            for name, value in maps.items():
                if averaged is not None and name not in averaged:
                    if scale == 1 and not mirrored and name not in plain:
                        plain[name] = value
                    continue
                if mirrored:
                    value = flip_map(value, kinds[name])
                if tuple(value.shape[-2:]) != tuple(size):
                    value = F.interpolate(value, size=size, mode='bilinear',
                                          align_corners=False)
                sums[name] = value if name not in sums else sums[name] + value
            views += 1
    return {**plain, **{name: total / views for name, total in sums.items()}}
