"""Pack stereo and multi-task samples into ``inputs`` and a SegDataSample."""
from typing import Sequence

import numpy as np
import torch
from mmengine.structures import PixelData
from mmseg.datasets.transforms import PackSegInputs

from mtlw.registry import TRANSFORMS
from .random_flip_with_normals import FLIP_CHECKED_KEY, NORMAL_KEYS

PIXEL_KEYS = ('img_right', 'gt_depth_map_right', 'gt_disp_map',
              'gt_disp_map_right', 'gt_normal_map', 'gt_visible_mask',
              'gt_visible_mask_right')
META_KEYS = ('img_path', 'seg_map_path', 'ori_shape', 'img_shape',
             'pad_shape', 'scale_factor', 'flip', 'flip_direction',
             'reduce_zero_label', 'focal', 'baseline')


@TRANSFORMS.register_module()
class PackMultiTaskInputs(PackSegInputs):
    """mmseg's PackSegInputs plus the right view and dense geometry maps.

    Like :class:`~mmseg.datasets.transforms.PackSegInputs`, ``inputs`` is
    the (left) image as a 3xHxW tensor (uint8, the data preprocessor
    normalises it), ``data_samples.gt_sem_seg.data`` is 1xHxW int64 and
    ``data_samples.gt_depth_map.data`` 1xHxW float32. In addition, each of
    these keys present in the results becomes a PixelData field of the same
    name on the SegDataSample:

    - ``img_right``: 3xHxW float32 in 0..255, the same channel order as the
      packed ``inputs`` (BGR as loaded). The data preprocessor does not see
      it: a model normalises it as the preprocessor does ``inputs``.
    - ``gt_disp_map`` / ``gt_disp_map_right``: 1xHxW float32 pixels.
    - ``gt_depth_map_right``: 1xHxW float32 metres.
    - ``gt_normal_map``: 3xHxW float32 unit normals (x right, y down, z
      forward), zero where invalid.
    - ``gt_visible_mask`` / ``gt_visible_mask_right``: 1xHxW bool.

    Meta keys add ``focal`` (pixels) and ``baseline`` (metres) to mmseg's.
    A sample flipped by a plain RandomFlip while it holds normals or a right
    view is refused (ValueError): its normals or views would be wrong.

    Args:
        meta_keys (Sequence[str]): Keys copied into the metainfo.
        pixel_keys (Sequence[str]): Extra dense keys to pack.
    """

    def __init__(self,
                 meta_keys: Sequence[str] = META_KEYS,
                 pixel_keys: Sequence[str] = PIXEL_KEYS) -> None:
        super().__init__(meta_keys=tuple(meta_keys))
        self.pixel_keys = tuple(pixel_keys)

    def transform(self, results: dict) -> dict:
        _check_flip(results)
        packed = super().transform(results)
        data_sample = packed['data_samples']
        for key in self.pixel_keys:
            if key in results:
                data_sample.set_data(
                    {key: PixelData(data=_to_tensor(results[key], key))})
        return packed

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(meta_keys={self.meta_keys}, '
                f'pixel_keys={self.pixel_keys})')


def _check_flip(results: dict) -> None:
    """Refuse a flip that left normals or stereo views inconsistent."""
    if not results.get('flip') or results.get(FLIP_CHECKED_KEY):
        return
    at_risk = [key for key in NORMAL_KEYS + ('img_right', ) if key in results]
    if at_risk:
        raise ValueError(
            f'The sample holds {at_risk} and was flipped by a transform that '
            'neither negates normals nor swaps stereo views (mmseg '
            'RandomFlip?). Use RandomFlipWithNormals for multi-task samples '
            'and StereoRandomFlip for stereo pairs.')


def _to_tensor(array: np.ndarray, key: str) -> torch.Tensor:
    """(H, W) to 1xHxW, (H, W, C) to CxHxW; masks bool, the rest float32."""
    array = array[None] if array.ndim == 2 else array.transpose(2, 0, 1)
    dtype = np.bool_ if key.startswith('gt_visible_mask') else np.float32
    return torch.from_numpy(np.ascontiguousarray(array, dtype=dtype))
