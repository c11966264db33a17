"""PASCAL Context 59-class labels and splits in mmseg's layout.

Writes, under the VOC 2010 root (``--out``, holding ``JPEGImages/``)::

    SegmentationClassContext/<id>.png       8-bit labels 0..59, 0 background
    ImageSets/SegmentationContext/train.txt 4998 ids
    ImageSets/SegmentationContext/val.txt   5105 ids

The splits are the ``phase`` of every image in ``trainval_merged.json``
(the PASCAL in Detail annotations). The labels come from the Detail API
(``from detail import Detail``, as mmseg's converter) or, with
``--mat-dir``, from the 459-class ``trainval/<id>.mat`` files (``LabelMap``)
of the original PASCAL Context release (Mottaghi et al., CVPR 2014). The 59
classes are those of mmseg's converter: its 60 source ids (background 0
included), sorted, become 0..59. A Detail mask must hold only those ids (as
mmseg asserts); in a 459-class map the other classes become background (0).

Example::

    python tools/dataset_converters/pascal_context.py \\
        data/VOCdevkit/VOC2010/trainval_merged.json \\
        --out data/VOCdevkit/VOC2010

See docs/datasets.md#pascal-context-59.
"""
import json
import os
import os.path as osp
from argparse import Namespace
from typing import Callable, Dict, List, Optional

import cv2
import numpy as np

from mtlw.datasets.converter_utils import (FileSpec, MatFile, converter_parser,
                                           require, run_converter)
from mtlw.datasets.utils import DataFileError

#: The 459-class ids of the 59 classes and background (0), as in mmseg's
#: tools/dataset_converters/pascal_context.py; sorted, their position is
#: the 59-class label.
SOURCE_IDS = np.sort(np.array([
    0, 2, 259, 260, 415, 324, 9, 258, 144, 18, 19, 22, 23, 397, 25, 284, 158,
    159, 416, 33, 162, 420, 454, 295, 296, 427, 44, 45, 46, 308, 59, 440, 445,
    31, 232, 65, 354, 424, 68, 326, 72, 458, 34, 207, 80, 355, 85, 347, 220,
    349, 360, 98, 187, 104, 105, 366, 189, 368, 113, 115]))
NUM_SOURCE_CLASSES = 459
SPLITS = ('train', 'val')
OFFICIAL = dict(train=4998, val=5105)
LABEL_DIR = 'SegmentationClassContext'
SPLIT_DIR = osp.join('ImageSets', 'SegmentationContext')


def to_59_classes(mask: np.ndarray, name: str,
                  strict: bool = True) -> np.ndarray:
    """A 459-class id map as 59-class labels (uint8, 0 background).

    Args:
        mask (np.ndarray): (H, W) class ids.
        name (str): Its source, for errors.
        strict (bool): Refuse ids outside :data:`SOURCE_IDS` (mmseg's
            check of Detail masks); False makes them background.

    Returns:
        np.ndarray: (H, W) uint8 in 0..59.

    Raises:
        DataFileError: an id is not an integer in 0..459, or (``strict``)
            not one of the 60 kept ids.
    """
    ids = np.asarray(mask)
    if ids.size and (ids.min() < 0 or ids.max() > NUM_SOURCE_CLASSES
                     or not np.array_equal(ids, np.round(ids))):
        raise DataFileError(f'{name}: class ids must be integers in 0..'
                            f'{NUM_SOURCE_CLASSES}, found {ids.min()}..'
                            f'{ids.max()}')
    ids = ids.astype(np.int64)
    unknown = np.setdiff1d(np.unique(ids), SOURCE_IDS)
    if strict and unknown.size:
        raise DataFileError(f'{name}: class ids {unknown[:10].tolist()} are '
                            'not among the 59 classes and background')
    table = np.zeros(NUM_SOURCE_CLASSES + 1, dtype=np.uint8)
    table[SOURCE_IDS] = np.arange(len(SOURCE_IDS))
    return table[ids]


def json_splits(path: str) -> Dict[str, List[str]]:
    """Image ids (file names without extension) by ``phase``."""
    try:
        with open(require(path, 'PASCAL in Detail annotations')) as file:
            images = json.load(file)['images']
        splits = {split: sorted(osp.splitext(image['file_name'])[0]
                                for image in images
                                if image['phase'] == split)
                  for split in SPLITS}
    except (ValueError, KeyError, TypeError) as error:
        raise DataFileError(
            f'{path!r}: expected the PASCAL in Detail json (images with '
            f'file_name and phase): {type(error).__name__}: {error}'
        ) from None
    empty = [split for split in SPLITS if not splits[split]]
    if empty:
        raise DataFileError(f'{path!r}: no image of phase {empty}')
    return splits


def detail_masks(json_path: str, image_dir: str
                 ) -> Callable[[str], np.ndarray]:
    """``image id -> class id map`` from the Detail API."""
    try:
        from detail import Detail
    except ImportError:
        raise ImportError('the Detail API is needed without --mat-dir: '
                          'install the PythonAPI of '
                          'https://github.com/zhanghang1989/detail-api, or '
                          'pass --mat-dir with the 459-class .mat files'
                          ) from None
    detail = Detail(json_path, image_dir, 'trainval')
    images = {osp.splitext(image['file_name'])[0]: image
              for image in detail.getImgs()}
    return lambda image_id: detail.getMask(images[image_id])


def mat_masks(mat_dir: str) -> Callable[[str], np.ndarray]:
    """``image id -> class id map`` from ``<mat_dir>/<id>.mat``."""
    def read(image_id: str) -> np.ndarray:
        with MatFile(osp.join(mat_dir, f'{image_id}.mat')) as mat:
            return mat.read('LabelMap')
    return read


def convert(args: Namespace) -> Dict[str, int]:
    """Write the label PNGs and split lists; returns counts by split."""
    splits = json_splits(args.source)
    image_dir = require(osp.join(args.out, 'JPEGImages'), 'image folder')
    missing = [osp.join(image_dir, f'{i}.jpg') for ids in splits.values()
               for i in ids if not osp.isfile(osp.join(image_dir, f'{i}.jpg'))]
    if missing:
        raise FileNotFoundError(f'{len(missing)} images of the annotations '
                                f'are missing, e.g. {missing[:5]}')
    if args.mat_dir:
        masks, strict = mat_masks(require(args.mat_dir, '--mat-dir')), False
    else:
        masks, strict = detail_masks(args.source, image_dir), True
    os.makedirs(osp.join(args.out, LABEL_DIR), exist_ok=True)
    os.makedirs(osp.join(args.out, SPLIT_DIR), exist_ok=True)
    for split, ids in splits.items():
        for image_id in ids:
            labels = to_59_classes(masks(image_id), image_id, strict)
            cv2.imwrite(osp.join(args.out, LABEL_DIR, f'{image_id}.png'),
                        labels)
        with open(osp.join(args.out, SPLIT_DIR, f'{split}.txt'), 'w') as file:
            file.writelines(f'{image_id}\n' for image_id in ids)
    return {split: len(ids) for split, ids in splits.items()}


def check_split_lists(root: str) -> int:
    """Every id of the split lists has its image and label; the count."""
    count = 0
    for split in SPLITS:
        path = require(osp.join(root, SPLIT_DIR, f'{split}.txt'),
                       'split list')
        with open(path) as file:
            ids = file.read().split()
        missing = [file for image_id in ids for file in (
            osp.join(root, 'JPEGImages', f'{image_id}.jpg'),
            osp.join(root, LABEL_DIR, f'{image_id}.png'))
            if not osp.isfile(file)]
        if missing:
            raise FileNotFoundError(f'{len(missing)} files listed by {path!r}'
                                    f' do not exist, e.g. {missing[:5]}')
        count += len(ids)
    return count


def specs(args: Namespace, converted: Optional[dict]) -> List[FileSpec]:
    """The labels (8-bit, 0..59) with their images, and the split lists."""
    listed = check_split_lists(args.out)
    checks = dict(dtype=np.uint8, channels=1, values=(0, 59))
    return [FileSpec(f'{LABEL_DIR}/*.png', checks,
                     listed if converted else None, group='sample',
                     official=sum(OFFICIAL.values())),
            FileSpec('JPEGImages/*.jpg', dict(dtype=np.uint8, channels=3),
                     group='sample'),
            *[FileSpec(f'{SPLIT_DIR}/{split}.txt') for split in SPLITS]]


def main(argv: Optional[List[str]] = None) -> list:
    parser = converter_parser(
        'PASCAL Context 59-class labels (see the docstring)',
        'trainval_merged.json (PASCAL in Detail annotations)',
        'data/VOCdevkit/VOC2010')
    parser.add_argument('--mat-dir', help='folder of the 459-class '
                        '<id>.mat files (instead of the Detail API)')
    return run_converter(parser.parse_args(argv), convert, specs,
                         'PASCAL Context 59')


if __name__ == '__main__':
    main()
