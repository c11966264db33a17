"""Tiny files in the real layouts of the semantics + depth datasets, and
tiny in-memory batches of semantics + depth."""
import os
import os.path as osp
from typing import List, Tuple

import cv2
import numpy as np
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

KITTI_WIDTH = 1242  # a width with a known KITTI focal length


def _write(path, image):
    os.makedirs(osp.dirname(path), exist_ok=True)
    assert cv2.imwrite(path, image), path


def write_cityscapes(root, split='train', num=2, size=(16, 32), seed=0):
    """leftImg8bit, gtFine train IDs and disparity PNGs of one city."""
    rng = np.random.default_rng(seed)
    height, width = size
    for index in range(num):
        stem = f'aachen_000000_{index:06d}'
        base = osp.join(root, '{}', split, 'aachen', stem + '_{}.png')
        _write(base.format('leftImg8bit', 'leftImg8bit'),
               rng.integers(0, 255, (height, width, 3), dtype=np.uint8))
        labels = rng.integers(0, 19, (height, width)).astype(np.uint8)
        labels[0] = 255
        _write(base.format('gtFine', 'gtFine_labelTrainIds'), labels)
        disparity = rng.integers(2, 40000, (height, width)).astype(np.uint16)
        disparity[-1] = 0
        _write(base.format('disparity', 'disparity'), disparity)
    return root


def write_miniscapes(root, split='train', num=2, size=(16, 32), seed=0):
    """rgb JPEGs, semseg PNGs and uint8 inverse-depth PNGs."""
    rng = np.random.default_rng(seed)
    height, width = size
    for index in range(num):
        _write(osp.join(root, split, 'rgb', f'{index}.jpg'),
               rng.integers(0, 255, (height, width, 3), dtype=np.uint8))
        labels = rng.integers(0, 19, (height, width)).astype(np.uint8)
        labels[0, 0] = 255
        _write(osp.join(root, split, 'semseg', f'{index}.png'), labels)
        depth = rng.integers(0, 256, (height, width)).astype(np.uint8)
        _write(osp.join(root, split, 'depth', f'{index}.png'), depth)
    return root


def write_nyuv2_40(root, split='train', num=2, size=(16, 32), seed=0):
    """image PNGs, uint16 millimetre depth and 40-class label PNGs."""
    rng = np.random.default_rng(seed)
    height, width = size
    for index in range(num):
        _write(osp.join(root, split, 'image', f'{index}.png'),
               rng.integers(0, 255, (height, width, 3), dtype=np.uint8))
        depth = rng.integers(500, 9000, (height, width)).astype(np.uint16)
        depth[0, :3] = 0
        _write(osp.join(root, split, 'depth', f'{index}.png'), depth)
        labels = rng.integers(0, 41, (height, width)).astype(np.uint8)
        _write(osp.join(root, split, 'label40', f'{index}.png'), labels)
    return root


def write_kitti_stereo2015(root, num=2, height=8, seed=0):
    """training/image_2 and disp_occ_0 PNGs (KITTI width, few rows)."""
    rng = np.random.default_rng(seed)
    for index in range(num):
        stem = f'{index:06d}_10.png'
        _write(osp.join(root, 'training', 'image_2', stem),
               rng.integers(0, 255, (height, KITTI_WIDTH, 3),
                            dtype=np.uint8))
        disparity = rng.integers(256, 256 * 100,
                                 (height, KITTI_WIDTH)).astype(np.uint16)
        disparity[:, :10] = 0
        _write(osp.join(root, 'training', 'disp_occ_0', stem), disparity)
    return root


def depth_seg_batch(size: int = 2, height: int = 32, width: int = 64,
                    num_classes: int = 4, seed: int = 0
                    ) -> Tuple[torch.Tensor, List[SegDataSample]]:
    """Random images with labels in ``[0, num_classes)`` and depths in
    ``[1, 10)`` metres, reproducible by ``seed``."""
    generator = torch.Generator().manual_seed(seed)
    samples = []
    for _ in range(size):
        sample = SegDataSample()
        sample.gt_sem_seg = PixelData(data=torch.randint(
            0, num_classes, (1, height, width), generator=generator))
        sample.gt_depth_map = PixelData(
            data=torch.rand(1, height, width, generator=generator) * 9 + 1)
        samples.append(sample)
    return torch.rand(size, 3, height, width, generator=generator), samples
