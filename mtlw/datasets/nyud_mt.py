"""NYUD-v2 with 4 tasks in the multi-task release of Vandenhende et al."""
from typing import List, Sequence

import numpy as np
from mmengine.dataset import BaseDataset

from mtlw.registry import DATASETS
from .depth_seg_utils import check_split
from .listed_files import listed_samples
from .nyuv2_depth40 import CLASSES
from .utils import read_image, read_npy

DOCS_PAGE = 'docs/benchmark_nyud.md'
SPLITS = ('train', 'val')
IGNORE_INDEX = 255
LAYOUT = """<data_root>/    (NYUD_MT.tgz unpacked, e.g. data/NYUD_MT)
  gt_sets/train.txt, gt_sets/val.txt  (795 / 654 ids, one a line)
  images/<id>.jpg                     (480, 640) RGB
  segmentation/<id>.png               (480, 640) 0 void, 1..40 classes
  depth/<id>.npy                      (480, 640) float metres, 0 invalid
  normals/<id>.npy                    (480, 640, 3) float, 0 invalid
  edge/<id>.npy                       (480, 640) float, 1 boundary"""
FIELDS = dict(img_path='images/{id}.jpg',
              seg_map_path='segmentation/{id}.png',
              depth_path='depth/{id}.npy', normal_path='normals/{id}.npy',
              edge_path='edge/{id}.npy')


@DATASETS.register_module()
class NYUDMTDataset(BaseDataset):
    """NYUD-v2 (Silberman et al., ECCV 2012) for multi-task learning as
    released by Vandenhende et al. ("Multi-Task Learning for Dense
    Prediction Tasks: A Survey", TPAMI 2021; from Maninis et al.,
    "Attentive Single-Tasking of Multiple Tasks", CVPR 2019): 795 training
    and 654 validation images with 40-class semantics, depth, surface
    normals and boundaries.

    Each sample has ``img`` (H, W, 3) uint8 BGR, ``gt_seg_map`` (H, W)
    uint8 (the release's 0, void, becomes 255 and classes 1..40 become
    0..39, as the release's loader does), ``gt_depth_map`` (H, W) float32
    metres (0 invalid), ``gt_normal_map`` (H, W, 3) float32 (zero invalid)
    and ``gt_edge_map`` (H, W) float32 (1 boundary). The split file and
    every listed file are checked when the dataset is built; shapes and
    ranges when a sample is read. Pack with ``PackMultiTaskInputs`` and
    ``gt_edge_map`` among its ``pixel_keys``.

    Args:
        data_root (str): The unpacked ``NYUD_MT`` folder.
        split (str): ``'train'`` or ``'val'``.
        pipeline (Sequence): Transforms.
        **kwargs: Other arguments of :class:`mmengine.dataset.BaseDataset`.
    """

    METAINFO = dict(classes=CLASSES)

    def __init__(self, data_root: str, split: str = 'train',
                 pipeline: Sequence = (), **kwargs) -> None:
        self.split = check_split(split, SPLITS, type(self).__name__)
        super().__init__(data_root=data_root, pipeline=list(pipeline),
                         **kwargs)

    def load_data_list(self) -> List[dict]:
        """Every id of ``gt_sets/<split>.txt`` with its five files."""
        return listed_samples(self.data_root, f'gt_sets/{self.split}.txt',
                              FIELDS, 'NYUD-v2 (multi-task)', LAYOUT,
                              DOCS_PAGE)

    def get_data_info(self, idx: int) -> dict:
        """Load sample ``idx``'s image and four maps."""
        info = super().get_data_info(idx)
        image = read_image(info['img_path'])
        size = image.shape[:2]
        seg = read_image(info['seg_map_path'], 'unchanged', size=size,
                         channels=1, values=(0, len(CLASSES)))
        seg = np.where(seg == 0, IGNORE_INDEX, seg.astype(np.int64) - 1)
        depth = read_npy(info['depth_path'], size=size, channels=1)
        normal = read_npy(info['normal_path'], size=size, channels=3)
        edge = read_npy(info['edge_path'], size=size, channels=1,
                        values=(0, 1))
        info.update(
            img=image, gt_seg_map=seg.astype(np.uint8),
            gt_depth_map=depth.reshape(size).astype(np.float32),
            gt_normal_map=normal.astype(np.float32),
            gt_edge_map=edge.reshape(size).astype(np.float32),
            img_shape=size, ori_shape=size, reduce_zero_label=False,
            seg_fields=['gt_seg_map', 'gt_depth_map', 'gt_normal_map',
                        'gt_edge_map'])
        return info
