"""Give every sample every label map: all-invalid where a label is missing."""
from typing import Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from mtlw.registry import TRANSFORMS


@TRANSFORMS.register_module()
class FillMissingLabels(BaseTransform):
    """Put an all-invalid map in place of each missing label map.

    Weak supervision (Jiao et al., "Look Deeper into Depth", ECCV 2018,
    supplementary section 8) trains on samples that carry
    depth or semantics but not both, e.g. KITTI depth with Cityscapes
    labels. A batch needs every map on every sample, so a missing
    ``gt_seg_map`` becomes ``ignore_index`` everywhere, a missing
    ``gt_depth_map`` (or any other map) 0 everywhere, the value every mtlw
    loss and metric reads as invalid; the task's loss then skips the
    sample (see :mod:`mtlw.weighting.partial_labels`). ``drop``
    first removes maps, which turns a fully labelled dataset into an
    unpaired one (the SynthScenes twin of the KITTI + Cityscapes setting).

    Args:
        keys (Sequence[str]): Maps every sample must hold. Defaults to
            ``('gt_seg_map', 'gt_depth_map')``.
        drop (Sequence[str]): Maps removed before filling. Defaults to none.
        ignore_index (int): Fill value of ``gt_seg_map``. Defaults to 255.
    """

    def __init__(self, keys: Sequence[str] = ('gt_seg_map', 'gt_depth_map'),
                 drop: Sequence[str] = (), ignore_index: int = 255) -> None:
        unknown = sorted(set(drop) - set(keys))
        if unknown:
            raise ValueError(f'FillMissingLabels would drop {unknown} without '
                             f'filling them again; add them to keys={keys}')
        self.keys = tuple(keys)
        self.drop = tuple(drop)
        self.ignore_index = ignore_index

    def transform(self, results: dict) -> dict:
        """Drop the ``drop`` maps, then fill every missing ``keys`` map."""
        if 'img' not in results:
            raise KeyError('FillMissingLabels needs the loaded image (img) '
                           'for the size of the maps it fills')
        for key in self.drop:
            results.pop(key, None)
        height, width = results['img'].shape[:2]
        for key in self.keys:
            if key in results:
                continue
            if key == 'gt_seg_map':
                results[key] = np.full((height, width), self.ignore_index,
                                       dtype=np.uint8)
            else:
                shape = ((height, width, 3) if 'normal' in key else
                         (height, width))
                results[key] = np.zeros(shape, dtype=np.float32)
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(keys={self.keys}, drop={self.drop}, '
                f'ignore_index={self.ignore_index})')
