"""Cityscapes stereo pairs for unsupervised depth."""
import glob
import os.path as osp
from typing import List, Sequence, Tuple, Union

import numpy as np

from mtlw.registry import DATASETS
from .base_stereo_files import BaseStereoFileDataset
from .cityscapes_camera import (CITYSCAPES_BASELINE, CITYSCAPES_FOCAL,
                                disparity_png_to_depth)
from .utils import check_data_root, check_disparity_png, read_image

SPLITS = ('train', 'val', 'test', 'train_extra')
LAYOUT = """\
data/cityscapes/
  leftImg8bit/{split}/<city>/<city>_<seq>_<frame>_leftImg8bit.png
  rightImg8bit/{split}/<city>/<city>_<seq>_<frame>_rightImg8bit.png
  disparity/{split}/<city>/<city>_<seq>_<frame>_disparity.png   (depth)"""


@DATASETS.register_module()
class CityscapesStereoDataset(BaseStereoFileDataset):
    """Cityscapes rectified stereo pairs (8-bit left and right views).

    Every ``leftImg8bit/<split>/<city>/*_leftImg8bit.png`` of the chosen
    splits is a sample, in sorted order, with its ``rightImg8bit`` partner.
    The CoV-Weighting authors' Cityscapes lists (their
    ``utils/filenames/cityscapes/``) are whole splits: training on
    ``train`` + ``train_extra`` (the 22,973 pairs monodepth trains on),
    ``val`` (500) and ``test`` (1,525); ``split=('train', 'train_extra')``
    gives the first. Monodepth trains on the
    images without their bottom fifth (the car hood): ``crop_bottom=0.2``.
    With ``with_depth``, the left view's depth comes from
    ``disparity/<split>/<city>/*_disparity.png``
    (:func:`~mtlw.datasets.cityscapes_camera.disparity_png_to_depth`). The
    camera is Cityscapes' (2262.52 px, 0.209313 m) scaled to the image
    width (2048 px originally).

    Args:
        data_root (str): Cityscapes root (layout in :data:`LAYOUT`).
        split (str | Sequence[str]): ``'train'``, ``'val'``, ``'test'``,
            ``'train_extra'`` or several of them.
        crop_bottom (float): Fraction of rows cut at the bottom. Defaults to
            0.2.
        **kwargs: See :class:`~mtlw.datasets.base_stereo_files.
            BaseStereoFileDataset` (``with_depth``, ``pipeline``, ...).
    """

    def __init__(self, data_root: str,
                 split: Union[str, Sequence[str]] = 'train',
                 crop_bottom: float = 0.2, **kwargs) -> None:
        splits = (split, ) if isinstance(split, str) else tuple(split)
        if not splits or any(name not in SPLITS for name in splits):
            raise ValueError(f'CityscapesStereoDataset: split must be one of '
                             f'{SPLITS} or a sequence of them, got {split!r}')
        check_data_root(data_root, LAYOUT, 'docs/datasets.md#cityscapes')
        self.split = split
        self.splits = splits
        super().__init__(data_root=data_root, crop_bottom=crop_bottom,
                         **kwargs)

    def load_data_list(self) -> List[dict]:
        """Every left image of the splits, with its right view."""
        lefts = []
        for split in self.splits:
            pattern = osp.join(self.data_root, 'leftImg8bit', split, '*',
                               '*_leftImg8bit.png')
            found = sorted(glob.glob(pattern))
            if not found:
                raise FileNotFoundError(
                    f'no Cityscapes left images match {pattern}. Expected '
                    f'layout:\n{LAYOUT}')
            lefts += found
        return [dict(img_path=left,
                     img_right_path=_partner(left, 'rightImg8bit'),
                     disparity_path=_partner(left, 'disparity'))
                for left in lefts]

    def camera(self, info: dict, width: int) -> Tuple[float, float]:
        return CITYSCAPES_FOCAL * width / 2048, CITYSCAPES_BASELINE

    def load_gt_depth(self, info: dict, size: Tuple[int, int]) -> np.ndarray:
        path = info['disparity_path']
        png = check_disparity_png(read_image(path, 'unchanged'), path, size)
        width = png.shape[1]
        return disparity_png_to_depth(png, focal=self.camera(info, width)[0])


def _partner(left_path: str, kind: str) -> str:
    """The ``rightImg8bit`` or ``disparity`` file of a left image."""
    root, split, city, name = left_path.rsplit(osp.sep, 3)
    root = osp.dirname(root)  # drop leftImg8bit
    stem = name[:-len('_leftImg8bit.png')]
    return osp.join(root, kind, split, city, f'{stem}_{kind}.png')
