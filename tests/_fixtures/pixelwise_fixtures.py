"""Tiny encoder, fabricated samples and on-disk fixtures for the LSB tests."""
import os
import os.path as osp
from typing import Dict, Sequence

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample
from torch import nn

from mtlw.registry import MODELS
from mtlw.structures import default_kind, task_fields

TINY_CHANNELS = 4


@MODELS.register_module(force=True)
class LSBTinyEncoder(BaseModule):
    """Stride-32 stand-in for a timm encoder: average pooling + 1x1 conv."""

    def __init__(self, **kwargs) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, TINY_CHANNELS, 1)

    def forward(self, x):
        return (self.conv(F.avg_pool2d(x, 32)), )


TINY_MODEL = dict(
    backbone=dict(_delete_=True, type='LSBTinyEncoder'),
    decoder=dict(in_channels=TINY_CHANNELS, channels=(2, 2, 2, 2, 2, 2)))


def fake_samples(channels: Dict[str, int], batch: int, height: int,
                 width: int, seed: int = 0) -> list:
    """Data samples holding a plausible ground truth of every task."""
    generator = torch.Generator().manual_seed(seed)
    samples = []
    for _ in range(batch):
        sample = SegDataSample(metainfo=dict(img_shape=(height, width),
                                             ori_shape=(height, width)))
        for task, count in channels.items():
            kind = default_kind(task)
            field = task_fields(task, kind)[0]
            if kind == 'seg':
                data = torch.randint(0, count, (1, height, width),
                                     generator=generator)
            elif kind == 'normal':
                data = torch.randn(3, height, width, generator=generator)
                data = data / data.norm(dim=0, keepdim=True)
            else:
                data = 1 + torch.rand(count, height, width,
                                      generator=generator)
            sample.set_data({field: PixelData(data=data)})
        samples.append(sample)
    return samples


def fake_batch(channels: Dict[str, int], batch: int = 2, height: int = 32,
               width: int = 32) -> dict:
    """A collated batch for ``model.train_step``."""
    inputs = [torch.randint(0, 256, (3, height, width), dtype=torch.uint8)
              for _ in range(batch)]
    return dict(inputs=inputs,
                data_samples=fake_samples(channels, batch, height, width))


def write_nyuv2(root: str, split: str = 'train', count: int = 2,
                height: int = 8, width: int = 12) -> Dict[str, list]:
    """MTAN-layout .npy files; returns the arrays written, by folder."""
    rng = np.random.default_rng(0)
    written = {name: [] for name in ('image', 'label', 'depth', 'normal')}
    for index in range(count):
        normal = rng.normal(size=(height, width, 3))
        normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
        normal[0, 0] = 0  # an invalid pixel
        arrays = dict(
            image=rng.random((height, width, 3)).astype(np.float32),
            label=rng.integers(-1, 13, (height, width)).astype(np.float32),
            depth=rng.uniform(0.5, 9, (height, width, 1)).astype(np.float32),
            normal=normal.astype(np.float32))
        for name, array in arrays.items():
            folder = osp.join(root, split, name)
            os.makedirs(folder, exist_ok=True)
            np.save(osp.join(folder, f'{index}.npy'), array)
            written[name].append(array)
    return written


#: Taskonomy domain -> (dtype, channels) of its PNG files.
TASKONOMY_FILES = {
    'rgb': (np.uint8, 3), 'depth_zbuffer': (np.uint16, 1),
    'normal': (np.uint8, 3), 'segment_semantic': (np.uint8, 1),
    'principal_curvature': (np.uint8, 3), 'reshading': (np.uint8, 3),
    'edge_texture': (np.uint16, 1), 'edge_occlusion': (np.uint16, 1),
    'keypoints2d': (np.uint16, 1), 'keypoints3d': (np.uint16, 1)}


def write_taskonomy(root: str, building: str, views: Sequence[str],
                    size: int = 8) -> Dict[str, np.ndarray]:
    """Taskonomy PNGs of every domain for ``views``; returns the arrays of
    the last view, by domain (as written, BGR for colour files)."""
    rng = np.random.default_rng(1)
    arrays = {}
    for view in views:
        for domain, (dtype, channels) in TASKONOMY_FILES.items():
            shape = (size, size) if channels == 1 else (size, size, channels)
            array = rng.integers(0, np.iinfo(dtype).max, shape,
                                 endpoint=True).astype(dtype)
            folder = osp.join(root, building, domain)
            os.makedirs(folder, exist_ok=True)
            cv2.imwrite(osp.join(folder, f'{view}_domain_{domain}.png'),
                        array)
            arrays[domain] = array
    return arrays
