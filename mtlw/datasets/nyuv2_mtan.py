"""NYUv2 in the MTAN layout: 13-class semantics, depth and surface normals."""
from typing import List, Sequence

import numpy as np
from mmengine.dataset import BaseDataset

from mtlw.registry import DATASETS
from .npy_folders import npy_folder_samples, read_npy_image, read_npy_labels
from .utils import read_npy

DOCS_PAGE = 'docs/datasets.md#nyuv2'
LAYOUT = """<data_root>/                      (e.g. data/nyuv2)
  train/ and val/, each with
    image/<i>.npy    (288, 384, 3) float RGB in [0, 1]
    label/<i>.npy    (288, 384) float class 0..12, -1 unlabelled
    depth/<i>.npy    (288, 384) or (288, 384, 1) float metres, 0 invalid
    normal/<i>.npy   (288, 384, 3) float unit normals, 0 invalid"""
FOLDERS = ('image', 'label', 'depth', 'normal')
IGNORE_INDEX = 255
CLASSES = ('bed', 'books', 'ceiling', 'chair', 'floor', 'furniture',
           'objects', 'picture', 'sofa', 'table', 'tv', 'wall', 'window')
PALETTE = [[0, 0, 255], [232, 88, 47], [0, 217, 0], [148, 0, 240],
           [222, 241, 23], [255, 205, 205], [0, 223, 228], [106, 135, 204],
           [116, 28, 41], [240, 35, 235], [0, 166, 156], [249, 139, 0],
           [225, 228, 194]]


@DATASETS.register_module()
class NYUv2MTANDataset(BaseDataset):
    """NYUv2 (Silberman et al., ECCV 2012) as preprocessed by MTAN (Liu,
    Johns, Davison, CVPR 2019): 795 training and 654 validation images of
    288 x 384 with 13-class semantics, depth and surface normals, the data
    of the Loss Scale Balancing study (Lee, Lee, Kim, ICCV 2021).

    Each sample has ``img`` (H, W, 3) uint8 BGR (as images load elsewhere
    in mmseg), ``gt_seg_map`` (H, W) uint8 with -1 mapped to 255 (ignored),
    ``gt_depth_map`` (H, W) float32 metres (0 invalid) and ``gt_normal_map``
    (H, W, 3) float32 (zero invalid). Flip with ``RandomFlipWithNormals``
    (negates the normals' x) and pack with ``PackMultiTaskInputs``.

    The data root, the four folders of the split and matching file names in
    them are checked when the dataset is built; shapes, channels and value
    ranges when a sample is read. Errors name the path, the expected
    layout and ``docs/datasets.md#nyuv2``.

    Args:
        data_root (str): Folder holding ``train/`` and ``val/``.
        split (str): ``'train'`` or ``'val'``.
        pipeline (list[dict | callable]): Transforms.
        **kwargs: Other arguments of :class:`mmengine.dataset.BaseDataset`.
    """

    METAINFO = dict(classes=CLASSES, palette=PALETTE)

    def __init__(self, data_root: str, split: str = 'train',
                 pipeline: Sequence = (), **kwargs) -> None:
        self.split = split
        super().__init__(data_root=data_root, pipeline=list(pipeline),
                         **kwargs)

    def load_data_list(self) -> List[dict]:
        """One entry per index found in ``<split>/image``, with its paths."""
        return npy_folder_samples(self.data_root, self.split, FOLDERS,
                                  'NYUv2', LAYOUT, DOCS_PAGE)

    def get_data_info(self, idx: int) -> dict:
        """Load sample ``idx``'s four arrays."""
        info = super().get_data_info(idx)
        image = read_npy_image(info['image_path'])
        size = image.shape[:2]
        height, width = size
        depth = read_npy(info['depth_path'], size=size, channels=1)
        normal = read_npy(info['normal_path'], size=size, channels=3)
        info.update(
            img=image,
            gt_seg_map=read_npy_labels(info['label_path'], size,
                                       len(CLASSES), IGNORE_INDEX),
            gt_depth_map=depth.reshape(height, width).astype(np.float32),
            gt_normal_map=normal.astype(np.float32),
            img_shape=(height, width),
            ori_shape=(height, width),
            reduce_zero_label=False,
            seg_fields=['gt_seg_map', 'gt_depth_map', 'gt_normal_map'])
        return info
