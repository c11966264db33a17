"""NYUv2 in the MTAN layout: 13-class semantics, depth and surface normals."""
import os
import os.path as osp
from typing import List, Sequence

import numpy as np
from mmengine.dataset import BaseDataset

from mtlw.registry import DATASETS
from .utils import check_array, check_data_root, read_npy

DOCS_PAGE = 'docs/datasets.md#nyuv2'
LAYOUT = """<data_root>/                      (e.g. data/nyuv2)
  train/ and val/, each with
    image/<i>.npy    (288, 384, 3) float RGB in [0, 1]
    label/<i>.npy    (288, 384) float class 0..12, -1 unlabelled
    depth/<i>.npy    (288, 384) or (288, 384, 1) float metres, 0 invalid
    normal/<i>.npy   (288, 384, 3) float unit normals, 0 invalid"""
FOLDERS = ('image', 'label', 'depth', 'normal')
#: How many missing files an error lists.
MAX_LISTED = 5
IGNORE_INDEX = 255
CLASSES = ('bed', 'books', 'ceiling', 'chair', 'floor', 'furniture',
           'objects', 'picture', 'sofa', 'table', 'tv', 'wall', 'window')
PALETTE = [[0, 0, 255], [232, 88, 47], [0, 217, 0], [148, 0, 240],
           [222, 241, 23], [255, 205, 205], [0, 223, 228], [106, 135, 204],
           [116, 28, 41], [240, 35, 235], [0, 166, 156], [249, 139, 0],
           [225, 228, 194]]


def _index_order(stem: str) -> tuple:
    """Numeric file names in numeric order, then the others by name."""
    return (0, int(stem), '') if stem.isdigit() else (1, 0, stem)


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
        check_data_root(self.data_root, LAYOUT, DOCS_PAGE)
        split_dir = osp.join(self.data_root, self.split)
        stems = {}
        for folder in FOLDERS:
            path = osp.join(split_dir, folder)
            if not osp.isdir(path):
                raise FileNotFoundError(
                    f'NYUv2 folder {path!r} does not exist. Expected layout:'
                    f'\n{LAYOUT}\nSee {DOCS_PAGE}.')
            stems[folder] = {name[:-4] for name in os.listdir(path)
                             if name.endswith('.npy')}
        if not stems['image']:
            raise FileNotFoundError(
                f'NYUv2 folder {osp.join(split_dir, "image")!r} holds no .npy '
                f'file. Expected layout:\n{LAYOUT}\nSee {DOCS_PAGE}.')
        for folder in FOLDERS[1:]:
            missing = sorted(stems['image'] - stems[folder])
            if missing:
                listed = [osp.join(split_dir, folder, f'{stem}.npy')
                          for stem in missing[:MAX_LISTED]]
                raise FileNotFoundError(
                    f'NYUv2 {self.split}: {len(missing)} images have no '
                    f'{folder} file, e.g. {listed}. Expected layout:\n'
                    f'{LAYOUT}')
        data_list = []
        for stem in sorted(stems['image'], key=_index_order):
            paths = {
                f'{folder}_path': osp.join(split_dir, folder, f'{stem}.npy')
                for folder in FOLDERS
            }
            data_list.append(dict(paths, img_path=paths['image_path']))
        return data_list

    def get_data_info(self, idx: int) -> dict:
        """Load sample ``idx``'s four arrays."""
        info = super().get_data_info(idx)
        image = read_npy(info['image_path'], channels=3)
        if image.dtype != np.uint8:  # float RGB in [0, 1]
            check_array(image, info['image_path'], values=(0, 1))
            image = np.clip(np.rint(image * 255), 0, 255).astype(np.uint8)
        size = image.shape[:2]
        height, width = size
        label = read_npy(info['label_path'], size=size, channels=1,
                         values=(-1, len(CLASSES) - 1))
        depth = read_npy(info['depth_path'], size=size, channels=1)
        normal = read_npy(info['normal_path'], size=size, channels=3)
        label = np.where(label < 0, IGNORE_INDEX, label).astype(np.uint8)
        info.update(
            img=np.ascontiguousarray(image[..., ::-1]),
            gt_seg_map=label,
            gt_depth_map=depth.reshape(height, width).astype(np.float32),
            gt_normal_map=normal.astype(np.float32),
            img_shape=(height, width),
            ori_shape=(height, width),
            reduce_zero_label=False,
            seg_fields=['gt_seg_map', 'gt_depth_map', 'gt_normal_map'])
        return info
