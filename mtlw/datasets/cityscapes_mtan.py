"""Cityscapes 128 x 256 in the MTAN / LibMTL layout: 7-class semantics and
depth."""
from typing import List, Sequence

import numpy as np
from mmengine.dataset import BaseDataset

from mtlw.registry import DATASETS
from .depth_seg_utils import check_split
from .npy_folders import npy_folder_samples, read_npy_image, read_npy_labels
from .utils import read_npy

DOCS_PAGE = 'docs/benchmark_cityscapes.md'
SPLITS = ('train', 'val')
LAYOUT = """<data_root>/                      (e.g. data/cityscapes2)
  train/ (2975 images) and val/ (500 images), each with
    image/<i>.npy    (128, 256, 3) float RGB in [0, 1]
    label/<i>.npy    (128, 256) float class 0..6, -1 unlabelled
                     (MTAN's release: label_7/, and label_19/ for 19
                     classes; choose with label_folder)
    depth/<i>.npy    (128, 256, 1) float depth, 0 invalid"""
IGNORE_INDEX = 255
#: The 7 categories of Cityscapes (``label_7``), in order.
CLASSES_7 = ('flat', 'construction', 'object', 'nature', 'sky', 'human',
             'vehicle')
PALETTE_7 = [[128, 64, 128], [70, 70, 70], [153, 153, 153], [107, 142, 35],
             [70, 130, 180], [220, 20, 60], [0, 0, 142]]


@DATASETS.register_module()
class CityscapesMTANDataset(BaseDataset):
    """Cityscapes (Cordts et al., CVPR 2016) as preprocessed by MTAN (Liu,
    Johns, Davison, "End-to-End Multi-Task Learning with Attention", CVPR
    2019) and used by LibMTL: 2975 training and 500 validation images at
    128 x 256 with 7-class semantics and depth.

    Each sample has ``img`` (H, W, 3) uint8 BGR, ``gt_seg_map`` (H, W)
    uint8 (-1 mapped to 255, ignored) and ``gt_depth_map`` (H, W) float32
    (0 invalid). Folders and matching file names are checked when the
    dataset is built, shapes and value ranges when a sample is read.

    Args:
        data_root (str): Folder holding ``train/`` and ``val/``.
        split (str): ``'train'`` or ``'val'``.
        label_folder (str): Folder of the label maps: ``'label'``
            (LibMTL), ``'label_7'`` or ``'label_19'`` (MTAN).
        num_classes (int): Classes of those labels (7 or 19).
        pipeline (list[dict | callable]): Transforms.
        **kwargs: Other arguments of :class:`mmengine.dataset.BaseDataset`.
    """

    METAINFO = dict(classes=CLASSES_7, palette=PALETTE_7)

    def __init__(self, data_root: str, split: str = 'train',
                 label_folder: str = 'label', num_classes: int = 7,
                 pipeline: Sequence = (), **kwargs) -> None:
        self.split = check_split(split, SPLITS, type(self).__name__)
        if num_classes not in (7, 19):
            raise ValueError(f'CityscapesMTANDataset num_classes must be 7 '
                             f'or 19, got {num_classes!r}')
        self.folders = ('image', label_folder, 'depth')
        self.num_classes = num_classes
        if num_classes == 19 and 'metainfo' not in kwargs:
            from .cityscapes_depth_seg import CLASSES, PALETTE
            kwargs['metainfo'] = dict(classes=CLASSES, palette=PALETTE)
        super().__init__(data_root=data_root, pipeline=list(pipeline),
                         **kwargs)

    def load_data_list(self) -> List[dict]:
        """One entry per index found in ``<split>/image``, with its paths."""
        return npy_folder_samples(self.data_root, self.split, self.folders,
                                  'Cityscapes (MTAN layout)', LAYOUT,
                                  DOCS_PAGE)

    def get_data_info(self, idx: int) -> dict:
        """Load sample ``idx``'s three arrays."""
        info = super().get_data_info(idx)
        image = read_npy_image(info['image_path'])
        size = image.shape[:2]
        depth = read_npy(info['depth_path'], size=size, channels=1)
        info.update(
            img=image,
            gt_seg_map=read_npy_labels(info[f'{self.folders[1]}_path'], size,
                                       self.num_classes, IGNORE_INDEX),
            gt_depth_map=depth.reshape(size).astype(np.float32),
            img_shape=size, ori_shape=size, reduce_zero_label=False,
            seg_fields=['gt_seg_map', 'gt_depth_map'])
        return info
