"""Tiny fake layouts of the multi-task benchmarks' released data."""
import os
import os.path as osp
from typing import Dict, List, Sequence

import cv2
import numpy as np
from scipy.io import savemat


def _save(path: str, array: np.ndarray) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    if path.endswith('.npy'):
        np.save(path, array)
    else:
        assert cv2.imwrite(path, array), path


def write_cityscapes_mtan(root: str, split: str = 'train', count: int = 2,
                          height: int = 8, width: int = 16,
                          label_folder: str = 'label') -> Dict[str, list]:
    """MTAN / LibMTL Cityscapes .npy files; the arrays written, by folder."""
    rng = np.random.default_rng(1)
    written = {name: [] for name in ('image', label_folder, 'depth')}
    for index in range(count):
        depth = rng.uniform(0.01, 0.2, (height, width, 1))
        depth[0, 0] = 0  # invalid
        arrays = {
            'image': rng.random((height, width, 3)).astype(np.float32),
            label_folder: rng.integers(-1, 7, (height, width)).astype(
                np.float32),
            'depth': depth.astype(np.float32)}
        for name, array in arrays.items():
            _save(osp.join(root, split, name, f'{index}.npy'), array)
            written[name].append(array)
    return written


def write_nyud_mt(root: str, ids: Sequence[str] = ('0001', '0002'),
                  split: str = 'val', height: int = 8,
                  width: int = 12) -> Dict[str, List[np.ndarray]]:
    """Vandenhende's NYUD_MT layout; the arrays written, by field."""
    rng = np.random.default_rng(2)
    written = {name: [] for name in ('image', 'seg', 'depth', 'normal',
                                     'edge')}
    for sample_id in ids:
        normal = rng.normal(size=(height, width, 3))
        normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
        arrays = dict(
            image=rng.integers(0, 255, (height, width, 3), dtype=np.uint8),
            seg=rng.integers(0, 41, (height, width), dtype=np.uint8),
            depth=rng.uniform(0.5, 9, (height, width)).astype(np.float32),
            normal=normal.astype(np.float32),
            edge=(rng.random((height, width)) > 0.8).astype(np.float32))
        paths = dict(image=f'images/{sample_id}.png',
                     seg=f'segmentation/{sample_id}.png',
                     depth=f'depth/{sample_id}.npy',
                     normal=f'normals/{sample_id}.npy',
                     edge=f'edge/{sample_id}.npy')
        for name, array in arrays.items():
            _save(osp.join(root, paths[name]), array)
            written[name].append(array)
    # the release has .jpg images; a lossless PNG under that name keeps
    # the pixels checkable
    for sample_id in ids:
        os.replace(osp.join(root, f'images/{sample_id}.png'),
                   osp.join(root, f'images/{sample_id}.jpg'))
    os.makedirs(osp.join(root, 'gt_sets'), exist_ok=True)
    with open(osp.join(root, 'gt_sets', f'{split}.txt'), 'w') as file:
        file.write('\n'.join(ids) + '\n')
    return written


def part_annotation(height: int, width: int, persons: Sequence[dict],
                    others: int = 1) -> dict:
    """A PASCAL-Part ``anno`` struct: ``persons`` are {part name: mask};
    ``others`` objects of class 12 (dog) without parts come first."""
    object_type = [('class', 'O'), ('class_ind', 'O'), ('mask', 'O'),
                   ('parts', 'O')]
    part_type = [('part_name', 'O'), ('mask', 'O')]
    objects = np.zeros((1, others + len(persons)), dtype=object_type)
    for index in range(others):
        objects[0, index] = ('dog', np.array([[12]]),
                             np.ones((height, width), np.uint8),
                             np.zeros((0, 0)))
    for index, parts in enumerate(persons, start=others):
        table = np.zeros((1, len(parts)), dtype=part_type)
        for column, (name, mask) in enumerate(parts.items()):
            table[0, column] = (name, mask.astype(np.uint8))
        objects[0, index] = ('person', np.array([[15]]),
                             np.ones((height, width), np.uint8), table)
    return dict(anno=dict(imname='x', objects=objects))


def write_pascal_mt(root: str, ids: Sequence[str] = ('2008_000001', ),
                    split: str = 'val', height: int = 10, width: int = 12,
                    persons: Sequence[dict] = ()) -> Dict[str, list]:
    """Vandenhende's PASCAL_MT layout; the arrays written, by field. Only
    the first image has ``persons``; its semantics go to semseg/VOC12, the
    others' to semseg/pascal-context."""
    rng = np.random.default_rng(3)
    written = {name: [] for name in ('image', 'seg', 'sal', 'normal',
                                     'labels')}
    for index, sample_id in enumerate(ids):
        labels = np.zeros((height, width), np.uint16)
        labels[:, width // 2:] = 7
        labels[height // 2:, :2] = 30
        seg = rng.integers(0, 21, (height, width), dtype=np.uint8)
        seg[0, 0] = 255
        arrays = dict(
            image=rng.integers(0, 255, (height, width, 3), dtype=np.uint8),
            seg=seg,
            sal=rng.integers(0, 256, (height, width), dtype=np.uint8),
            normal=rng.integers(0, 256, (height, width, 3), dtype=np.uint8))
        seg_folder = 'VOC12' if index == 0 else 'pascal-context'
        _save(osp.join(root, 'JPEGImages', f'{sample_id}.png'),
              arrays['image'])
        os.replace(osp.join(root, 'JPEGImages', f'{sample_id}.png'),
                   osp.join(root, 'JPEGImages', f'{sample_id}.jpg'))
        _save(osp.join(root, 'semseg', seg_folder, f'{sample_id}.png'), seg)
        _save(osp.join(root, 'sal_distill', f'{sample_id}.png'),
              arrays['sal'])
        _save(osp.join(root, 'normals_distill', f'{sample_id}.png'),
              arrays['normal'])
        os.makedirs(osp.join(root, 'pascal-context', 'trainval'),
                    exist_ok=True)
        savemat(osp.join(root, 'pascal-context', 'trainval',
                         f'{sample_id}.mat'), dict(LabelMap=labels))
        os.makedirs(osp.join(root, 'human_parts'), exist_ok=True)
        savemat(osp.join(root, 'human_parts', f'{sample_id}.mat'),
                part_annotation(height, width,
                                persons if index == 0 else ()))
        for name, array in dict(arrays, labels=labels).items():
            written[name].append(array)
    os.makedirs(osp.join(root, 'ImageSets', 'Context'), exist_ok=True)
    with open(osp.join(root, 'ImageSets', 'Context', f'{split}.txt'),
              'w') as file:
        file.write('\n'.join(ids) + '\n')
    return written
