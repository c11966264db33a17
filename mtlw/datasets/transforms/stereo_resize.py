"""Resize both views of a stereo pair like an image."""
from typing import Sequence

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from mtlw.registry import TRANSFORMS


@TRANSFORMS.register_module()
class StereoResize(BaseTransform):
    """Resize ``img`` and ``img_right`` to ``scale`` with area interpolation.

    Monodepth resizes its inputs to 256 x 512 with area averaging. Dense
    ground truth is left at its original size (``ori_shape``), where the
    predictions are evaluated. mmseg's ``Resize`` cannot be used: it would
    resize ``img_right``, a ``seg_fields`` map, with nearest interpolation.

    Required keys: ``img``. Modified: ``img``, ``img_right`` (if present),
    ``img_shape``. Added: ``scale_factor`` ``(w_scale, h_scale)``.

    Args:
        scale (Sequence[int]): ``(height, width)`` of the output.
    """

    def __init__(self, scale: Sequence[int]) -> None:
        if len(scale) != 2 or min(scale) < 1:
            raise ValueError(f'StereoResize scale must be (height, width), '
                             f'got {scale!r}')
        self.scale = (int(scale[0]), int(scale[1]))

    def transform(self, results: dict) -> dict:
        height, width = results['img'].shape[:2]
        for key in ('img', 'img_right'):
            if key in results:
                results[key] = _resize(results[key], self.scale)
        results['img_shape'] = self.scale
        results['scale_factor'] = (self.scale[1] / width,
                                   self.scale[0] / height)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(scale={self.scale})'


def _resize(image: np.ndarray, scale: Sequence[int]) -> np.ndarray:
    return cv2.resize(image, (scale[1], scale[0]),
                      interpolation=cv2.INTER_AREA)
