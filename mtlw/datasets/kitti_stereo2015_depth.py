"""KITTI stereo 2015 training images with depth from their disparity."""
import os.path as osp
from typing import List, Sequence

import numpy as np
from mmengine.dataset import BaseDataset

from mtlw.registry import DATASETS
from .cityscapes_depth_seg import CLASSES, PALETTE
from .depth_seg_utils import matched_files
from .kitti_stereo import KITTI_BASELINE, kitti_focal
from .utils import check_data_root, check_disparity_png, read_image

DOCS_PAGE = 'docs/datasets.md#kitti-stereo-2015'
LAYOUT = """\
data/kitti_stereo2015/
  training/
    image_2/<id>_10.png      left colour image
    disp_occ_0/<id>_10.png   uint16 disparity x 256, 0 invalid"""


def kitti_disparity_to_depth(png: np.ndarray) -> np.ndarray:
    """Metres from a KITTI disparity PNG: ``d = p / 256`` pixels,
    ``z = f b / d`` (``f`` by image width, ``b = 0.54`` m), 0 invalid."""
    if png.ndim != 2:
        raise ValueError(f'a KITTI disparity PNG has one channel, got shape '
                         f'{png.shape}')
    disparity = png.astype(np.float64) / 256
    focal = kitti_focal(png.shape[1])
    depth = np.where(disparity > 0,
                     focal * KITTI_BASELINE / np.where(disparity > 0,
                                                       disparity, 1.0), 0.0)
    return depth.astype(np.float32)


@DATASETS.register_module()
class KittiStereo2015DepthDataset(BaseDataset):
    """The 200 training images of KITTI stereo 2015 (Menze and Geiger, CVPR
    2015), left view only, with sparse depth from their disparity maps: the
    depth half of the weakly supervised outdoor training of Jiao et al., "Look
    Deeper into Depth" (ECCV 2018, supplementary section 8). The samples carry
    no semantics; ``FillMissingLabels`` adds an empty ``gt_seg_map``. Its class
    names are Cityscapes', the labels it is trained with.

    Samples: ``img`` (H, W, 3) uint8 BGR, ``gt_depth_map`` (H, W) float32
    metres (:func:`kitti_disparity_to_depth`).

    Args:
        data_root (str): Folder with ``training/``.
        pipeline (Sequence): Transforms.
        **kwargs: Other :class:`mmengine.dataset.BaseDataset` arguments.
    """

    METAINFO = dict(classes=CLASSES, palette=PALETTE)

    def __init__(self, data_root: str, pipeline: Sequence = (),
                 **kwargs) -> None:
        super().__init__(data_root=data_root, pipeline=list(pipeline),
                         **kwargs)

    def load_data_list(self) -> List[dict]:
        """One entry per left image with its disparity file."""
        check_data_root(self.data_root, LAYOUT, DOCS_PAGE)
        return matched_files(
            osp.join(self.data_root, 'training'),
            dict(img_path='image_2/.png', depth_path='disp_occ_0/.png'),
            LAYOUT)

    def get_data_info(self, idx: int) -> dict:
        """Load sample ``idx``."""
        info = super().get_data_info(idx)
        image = read_image(info['img_path'])
        size = image.shape[:2]
        disparity = check_disparity_png(
            read_image(info['depth_path'], 'unchanged'), info['depth_path'],
            size)
        info.update(img=image,
                    gt_depth_map=kitti_disparity_to_depth(disparity),
                    img_shape=size, ori_shape=size, reduce_zero_label=False,
                    seg_fields=['gt_depth_map'])
        return info
