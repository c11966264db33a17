"""NYUv2 with the 40-class semantics of Gupta et al. and metric depth."""
import os.path as osp
from typing import List, Sequence

import numpy as np
from mmengine.dataset import BaseDataset

from mtlw.registry import DATASETS
from .depth_seg_utils import check_map_size, check_split, matched_files
from .utils import check_data_root, read_image

DOCS_PAGE = 'docs/deeplab_synergy.md'
SPLITS = ('train', 'test')
LAYOUT = """\
data/nyuv2_40/
  {train,test}/          (795 / 654 images of the official split)
    image/<i>.png        colour image (480 x 640)
    depth/<i>.png        uint16 depth in millimetres, 0 invalid
    label40/<i>.png      uint8 class 1..40, 0 unlabelled"""
CLASSES = (
    'wall', 'floor', 'cabinet', 'bed', 'chair', 'sofa', 'table', 'door',
    'window', 'bookshelf', 'picture', 'counter', 'blinds', 'desk', 'shelves',
    'curtain', 'dresser', 'pillow', 'mirror', 'floor mat', 'clothes',
    'ceiling', 'books', 'refridgerator', 'television', 'paper', 'towel',
    'shower curtain', 'box', 'whiteboard', 'person', 'night stand', 'toilet',
    'sink', 'lamp', 'bathtub', 'bag', 'otherstructure', 'otherfurniture',
    'otherprop')
IGNORE_INDEX = 255


@DATASETS.register_module()
class NYUv2Depth40Dataset(BaseDataset):
    """NYU Depth v2 (Silberman et al., ECCV 2012) with the 40 classes of
    Gupta et al. (CVPR 2013), the data of paper 004 (synergy network).

    Samples: ``img`` (H, W, 3) uint8 BGR; ``gt_seg_map`` (H, W) uint8 with
    class ``k`` of the files (1..40) as ``k - 1`` and 0 (unlabelled) as 255;
    ``gt_depth_map`` (H, W) float32 metres (the files' millimetres / 1000, 0
    invalid). Matching files are checked when the dataset is built.

    Args:
        data_root (str): Folder with ``train/`` and ``test/``.
        split (str): ``'train'`` or ``'test'``.
        pipeline (Sequence): Transforms.
        **kwargs: Other :class:`mmengine.dataset.BaseDataset` arguments.
    """

    METAINFO = dict(classes=CLASSES)

    def __init__(self, data_root: str, split: str = 'train',
                 pipeline: Sequence = (), **kwargs) -> None:
        self.split = check_split(split, SPLITS, type(self).__name__)
        super().__init__(data_root=data_root, pipeline=list(pipeline),
                         **kwargs)

    def load_data_list(self) -> List[dict]:
        """One entry per image, with its depth and label files."""
        check_data_root(self.data_root, LAYOUT, DOCS_PAGE)
        return matched_files(
            osp.join(self.data_root, self.split),
            dict(img_path='image/.png', depth_path='depth/.png',
                 seg_map_path='label40/.png'), LAYOUT)

    def get_data_info(self, idx: int) -> dict:
        """Load sample ``idx``."""
        info = super().get_data_info(idx)
        image = read_image(info['img_path'])
        size = image.shape[:2]
        labels = check_map_size(read_image(info['seg_map_path'],
                                           'grayscale'),
                                size, info['seg_map_path'])
        depth = check_map_size(read_image(info['depth_path'], 'unchanged'),
                               size, info['depth_path'])
        if depth.dtype != np.uint16 or depth.ndim != 2:
            raise ValueError(f'{info["depth_path"]!r} must be a one-channel '
                             f'uint16 PNG (millimetres), got {depth.dtype} '
                             f'of shape {depth.shape}')
        if labels.max() > len(CLASSES):
            raise ValueError(f'{info["seg_map_path"]!r} holds class '
                             f'{labels.max()}; expected 0 (unlabelled) to '
                             f'{len(CLASSES)}')
        labels = np.where(labels == 0, IGNORE_INDEX,
                          labels.astype(np.int64) - 1).astype(np.uint8)
        info.update(img=image, gt_seg_map=labels,
                    gt_depth_map=depth.astype(np.float32) / 1000.0,
                    img_shape=size, ori_shape=size, reduce_zero_label=False,
                    seg_fields=['gt_seg_map', 'gt_depth_map'])
        return info
