"""Test data for EncNet: a tiny PASCAL Context in mmseg's layout and random
segmentation batches."""
from pathlib import Path
from typing import Dict, Sequence

import cv2
import numpy as np
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

SPLITS = {'train': ('2008_000002', '2008_000003', '2008_000007'),
          'val': ('2008_000009', '2008_000016')}


def label_map(index: int, shape: Sequence[int]) -> np.ndarray:
    """Blocks of labels 0 (background) and two classes of 1..59."""
    height, width = shape
    label = np.zeros((height, width), np.uint8)
    label[:, width // 3:] = 1 + (7 * index) % 59
    label[height // 2:, 2 * width // 3:] = 1 + (11 * index + 3) % 59
    return label


def write_pascal_context(root: Path, splits: Dict[str, Sequence[str]] = SPLITS,
                         shape: Sequence[int] = (40, 56)) -> str:
    """Write JPEG images, PNG labels and split files under ``root``.

    Args:
        root (Path): Folder to write into.
        splits (dict): Image ids of every split.
        shape (tuple): (H, W) of every image.

    Returns:
        str: The data root, ``root/VOCdevkit/VOC2010``.
    """
    data_root = Path(root) / 'VOCdevkit' / 'VOC2010'
    images = data_root / 'JPEGImages'
    labels = data_root / 'SegmentationClassContext'
    lists = data_root / 'ImageSets' / 'SegmentationContext'
    for folder in (images, labels, lists):
        folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    index = 0
    for split, ids in splits.items():
        for image_id in ids:
            image = rng.integers(0, 256, (*shape, 3), dtype=np.uint8)
            cv2.imwrite(str(images / f'{image_id}.jpg'), image)
            cv2.imwrite(str(labels / f'{image_id}.png'),
                        label_map(index, shape))
            index += 1
        (lists / f'{split}.txt').write_text(''.join(f'{i}\n' for i in ids))
    return str(data_root)


def seg_batch(num_classes: int, batch_size: int = 2,
              shape: Sequence[int] = (32, 32), seed: int = 0) -> dict:
    """A collated batch as mmseg's dataloader gives it: uint8 images and
    labels in ``[0, num_classes)`` with an ignored (255) stripe.

    Args:
        num_classes (int): Number of classes.
        batch_size (int): Images in the batch.
        shape (tuple): (H, W).
        seed (int): Seed of the generator.

    Returns:
        dict: ``inputs`` (list of 3xHxW uint8) and ``data_samples``.
    """
    gen = torch.Generator().manual_seed(seed)
    inputs, samples = [], []
    for _ in range(batch_size):
        inputs.append(torch.randint(0, 256, (3, *shape), generator=gen,
                                    dtype=torch.uint8))
        label = torch.randint(0, num_classes, (1, *shape), generator=gen)
        label[:, :, :2] = 255
        sample = SegDataSample(gt_sem_seg=PixelData(data=label))
        sample.set_metainfo(dict(img_shape=tuple(shape),
                                 ori_shape=tuple(shape),
                                 pad_shape=tuple(shape)))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)
