"""Miniscapes: small Cityscapes-like frames with semantics and depth."""
from typing import Dict

import numpy as np

from mtlw.registry import DATASETS
from .cityscapes_depth_seg import CLASSES, PALETTE
from .split_folder_dataset import SplitFolderDataset

#: Depth range of the uint8 inverse-depth encoding, metres.
MIN_DEPTH, MAX_DEPTH = 4.0, 300.0


def miniscapes_depth(png: np.ndarray, min_depth: float = MIN_DEPTH,
                     max_depth: float = MAX_DEPTH) -> np.ndarray:
    """Metres from Miniscapes' uint8 inverse depth.

    A pixel ``x > 0`` encodes ``x = 1 + 254 (1/z - 1/max) / (1/min -
    1/max)``, so ``z = 1 / ((x - 1) / 254 (1/min - 1/max) + 1/max)``:
    ``x = 1`` is 300 m, ``x = 255`` 4 m; ``x = 0`` is invalid (0).

    Args:
        png (np.ndarray): (H, W) uint8 image.
        min_depth (float): Depth of code 255.
        max_depth (float): Depth of code 1.

    Returns:
        np.ndarray: (H, W) float32 metres, 0 invalid.
    """
    if png.ndim != 2:
        raise ValueError(f'a Miniscapes depth PNG has one channel, got '
                         f'shape {png.shape}')
    code = png.astype(np.float64)
    inverse = (code - 1) / 254 * (1 / min_depth - 1 / max_depth) \
        + 1 / max_depth
    depth = np.where(png > 0, 1 / np.where(png > 0, inverse, 1.0), 0.0)
    return depth.astype(np.float32)


@DATASETS.register_module()
class MiniscapesDataset(SplitFolderDataset):
    """Miniscapes (the dataset of Argenziano and Pagani, "Multi-Task Learning
    for Semantics and Depth", course report, 2022): Cityscapes-like street
    scenes with 19-class semantics and depth stored as uint8 inverse depth
    between 4 and 300 m (:func:`miniscapes_depth`).

    Samples: ``img`` (H, W, 3) uint8 BGR, ``gt_seg_map`` (H, W) uint8 (255
    ignored), ``gt_depth_map`` (H, W) float32 metres (0 invalid). Matching
    ``rgb`` / ``semseg`` / ``depth`` files are checked when the dataset is
    built; sizes when a sample is read.

    Args:
        data_root (str): Folder with ``train/``, ``val/``, ``test/``.
        split (str): One of ``SPLITS``.
        **kwargs: See :class:`SplitFolderDataset`.
    """

    METAINFO = dict(classes=CLASSES, palette=PALETTE)
    DOCS_PAGE = 'docs/datasets.md#miniscapes'
    SPLITS = ('train', 'val', 'test')
    LAYOUT = """\
data/miniscapes/
  {train,val,test}/
    rgb/<i>.jpg       colour image
    semseg/<i>.png    19 Cityscapes train IDs, 255 ignored
    depth/<i>.png     uint8 inverse depth, 0 invalid (4 .. 300 m)"""
    FILES = dict(img_path=('rgb/.jpg', 'color'),
                 seg_map_path=('semseg/.png', 'unchanged'),
                 depth_path=('depth/.png', 'unchanged'))
    CHECKS = dict(
        seg_map_path=dict(dtype=np.uint8, channels=1,
                          values=(0, len(CLASSES) - 1), allowed=(255, )),
        depth_path=dict(dtype=np.uint8, channels=1,
                        note='inverse depth code'))

    def decode(self, info: dict, maps: Dict[str, np.ndarray]
               ) -> Dict[str, np.ndarray]:
        """Labels as stored; depth from the inverse-depth code."""
        return dict(gt_seg_map=maps['seg_map_path'],
                    gt_depth_map=miniscapes_depth(maps['depth_path']))
