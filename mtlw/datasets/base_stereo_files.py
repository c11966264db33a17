"""The file-reading side shared by the real stereo datasets (KITTI,
Cityscapes)."""
import os.path as osp
from typing import Callable, Sequence, Tuple, Union

import numpy as np
from mmengine.dataset import BaseDataset

from .utils import read_image


class BaseStereoFileDataset(BaseDataset):
    """Rectified stereo pairs read from image files, with optional depth.

    A subclass lists the samples in :meth:`load_data_list` (``img_path``,
    ``img_right_path``, and whatever :meth:`load_gt_depth` needs) and gives
    each sample's camera in :meth:`camera`. :meth:`get_data_info` reads both
    views (H, W, 3 uint8 BGR, as mmcv loads), crops the bottom ``crop_bottom``
    fraction of both (and of the depth), and returns ``img``, ``img_right``,
    optionally ``gt_depth_map`` (H, W float32 metres, 0 invalid), ``focal``
    (pixels at the original width), ``baseline`` (metres), ``img_shape``,
    ``ori_shape`` and ``seg_fields`` (``img_right`` and the depth, so that
    flips move them with the image).

    Args:
        data_root (str): Dataset root.
        with_depth (bool): Load the ground-truth depth. Defaults to False.
        crop_bottom (float): Fraction of rows removed at the bottom of every
            map (Cityscapes: 0.2, the car hood). Defaults to 0.
        pipeline (Sequence[dict | callable]): Transforms.
        test_mode (bool): See :class:`mmengine.dataset.BaseDataset`.
        indices (int | Sequence[int], optional): Use only these samples.
        serialize_data (bool): See :class:`mmengine.dataset.BaseDataset`.
        lazy_init (bool): See :class:`mmengine.dataset.BaseDataset`.
        max_refetch (int): See :class:`mmengine.dataset.BaseDataset`.
        **kwargs: Other :class:`~mmengine.dataset.BaseDataset` arguments
            (``ann_file``, ``metainfo``, ...).
    """

    def __init__(self, data_root: str, with_depth: bool = False,
                 crop_bottom: float = 0.0,
                 pipeline: Sequence[Union[dict, Callable]] = (),
                 test_mode: bool = False,
                 indices: Union[int, Sequence[int], None] = None,
                 serialize_data: bool = True, lazy_init: bool = False,
                 max_refetch: int = 1000, **kwargs) -> None:
        if not 0 <= crop_bottom < 1:
            raise ValueError(f'{type(self).__name__}: crop_bottom must be in '
                             f'[0, 1), got {crop_bottom!r}')
        self.with_depth = with_depth
        self.crop_bottom = crop_bottom
        super().__init__(data_root=data_root, pipeline=list(pipeline),
                         test_mode=test_mode, indices=indices,
                         serialize_data=serialize_data, lazy_init=lazy_init,
                         max_refetch=max_refetch, **kwargs)

    def camera(self, info: dict, width: int) -> Tuple[float, float]:
        """``(focal in pixels, baseline in metres)`` of sample ``info`` for
        an image ``width`` pixels wide."""
        raise NotImplementedError

    def load_gt_depth(self, info: dict, size: Tuple[int, int]) -> np.ndarray:
        """(H, W) float32 depth in metres (0 invalid) of sample ``info``;
        a DataFileError naming the file unless it is ``size`` (H, W)."""
        raise NotImplementedError

    def get_data_info(self, idx: int) -> dict:
        """Read sample ``idx``: both views, optional depth, camera."""
        info = super().get_data_info(idx)
        fields = dict(img=read_image(info['img_path']),
                      img_right=read_image(info['img_right_path']))
        if fields['img'].shape != fields['img_right'].shape:
            raise ValueError(
                f"stereo views differ in size: {info['img_path']} "
                f"{fields['img'].shape[:2]} vs {info['img_right_path']} "
                f"{fields['img_right'].shape[:2]}")
        height, width = fields['img'].shape[:2]
        if self.with_depth:
            depth = self.load_gt_depth(info, (height, width))
            fields['gt_depth_map'] = depth.astype(np.float32)
        keep = height - int(round(self.crop_bottom * height))
        fields = {key: value[:keep] for key, value in fields.items()}
        focal, baseline = self.camera(info, width)
        info.update(fields)
        info.update(img_shape=(keep, width), ori_shape=(keep, width),
                    focal=focal, baseline=baseline,
                    seg_fields=[key for key in fields if key != 'img'])
        return info


def checked_file(path: str, what: str) -> str:
    """``path`` if it is a file, else FileNotFoundError naming ``what``."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'{what} not found: {path}')
    return path
