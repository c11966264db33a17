"""Cityscapes: semantic label maps for the loaders, and a check of the
stereo and disparity files.

From the official downloads (``leftImg8bit``, ``rightImg8bit``,
``disparity`` and ``gtFine`` ``_trainvaltest.zip``, extracted into one
root), writes next to every ``gtFine/<split>/<city>/*_gtFine_labelIds.png``:

- ``*_gtFine_labelTrainIds.png``: the 19 evaluated classes 0..18, 255
  ignored (the table of cityscapesScripts' ``labels.py``), which
  ``CityscapesDepthSegDataset`` reads;
- with ``--categories``, ``*_gtFine_labelCategoryIds.png``: the 7
  categories (flat, construction, object, nature, sky, human, vehicle) as
  0..6, void 255.

Then checks the left images and the requested partners (``--parts``):
right views, disparity maps (uint16, ``d = (p - 1) / 256``) and labels.

Example::

    python tools/dataset_converters/cityscapes.py data/cityscapes

See docs/datasets.md#cityscapes.
"""
import glob
import os.path as osp
from argparse import Namespace
from typing import List, Optional

import cv2
import numpy as np

from mtlw.datasets.cityscapes_depth_seg import CLASSES
from mtlw.datasets.converter_utils import (FileSpec, converter_parser,
                                           run_converter)
from mtlw.datasets.utils import read_image

#: (label id, train id, category id) of cityscapesScripts' labels.py; train
#: id 255 is ignored, category 0 is void.
LABELS = (
    (0, 255, 0), (1, 255, 0), (2, 255, 0), (3, 255, 0), (4, 255, 0),
    (5, 255, 0), (6, 255, 0), (7, 0, 1), (8, 1, 1), (9, 255, 1),
    (10, 255, 1), (11, 2, 2), (12, 3, 2), (13, 4, 2), (14, 255, 2),
    (15, 255, 2), (16, 255, 2), (17, 5, 3), (18, 255, 3), (19, 6, 3),
    (20, 7, 3), (21, 8, 4), (22, 9, 4), (23, 10, 5), (24, 11, 6),
    (25, 12, 6), (26, 13, 7), (27, 14, 7), (28, 15, 7), (29, 255, 7),
    (30, 255, 7), (31, 16, 7), (32, 17, 7), (33, 18, 7))
CATEGORIES = ('flat', 'construction', 'object', 'nature', 'sky', 'human',
              'vehicle')
SPLITS = ('train', 'val', 'test')
OFFICIAL = dict(train=2975, val=500, test=1525)
PARTS = ('right', 'disparity', 'semantics')
IGNORE = 255


def lookup(column: int) -> np.ndarray:
    """Label id -> train id (``column`` 1) or category 0..6 (2), 255
    elsewhere (void, unknown ids)."""
    table = np.full(256, IGNORE, dtype=np.uint8)
    for row in LABELS:
        value = row[column] if column == 1 else row[column] - 1
        table[row[0]] = IGNORE if value < 0 else value
    return table


def convert(args: Namespace) -> None:
    """Write the train-id (and category) maps of every split."""
    tables = dict(labelTrainIds=lookup(1))
    if args.categories:
        tables['labelCategoryIds'] = lookup(2)
    for split in args.splits:
        pattern = osp.join(args.out, 'gtFine', split, '*',
                           '*_gtFine_labelIds.png')
        sources = sorted(glob.glob(pattern))
        if not sources:
            raise FileNotFoundError(f'no Cityscapes label maps match '
                                    f'{pattern!r}: extract gtFine_trainvaltest'
                                    '.zip into the root')
        for source in sources:
            ids = read_image(source, 'unchanged', dtype=np.uint8, channels=1)
            for suffix, table in tables.items():
                cv2.imwrite(source.replace('_labelIds.png', f'_{suffix}.png'),
                            table[ids])


def specs(args: Namespace, converted: None) -> List[FileSpec]:
    """Left images and the requested partners of every split."""
    image = dict(dtype=np.uint8, channels=3)
    partners = dict(
        right=('rightImg8bit', 'rightImg8bit', image),
        disparity=('disparity', 'disparity',
                   dict(dtype=np.uint16, channels=1, note='disparity x 256')),
        semantics=('gtFine', 'gtFine_labelTrainIds',
                   dict(dtype=np.uint8, channels=1,
                        values=(0, len(CLASSES) - 1), allowed=(IGNORE, ))))
    if args.categories:
        partners['categories'] = (
            'gtFine', 'gtFine_labelCategoryIds',
            dict(dtype=np.uint8, channels=1, values=(0, len(CATEGORIES) - 1),
                 allowed=(IGNORE, )))
    result = []
    for split in args.splits:
        result.append(FileSpec(f'leftImg8bit/{split}/*/*_leftImg8bit.png',
                               image, group=split, official=OFFICIAL[split]))
        for part in [*args.parts, *(['categories'] if args.categories
                                    else [])]:
            folder, suffix, checks = partners[part]
            result.append(FileSpec(f'{folder}/{split}/*/*_{suffix}.png',
                                   checks, group=split))
    return result


def main(argv: Optional[List[str]] = None) -> list:
    parser = converter_parser('Cityscapes label maps and checks (see the '
                              'docstring)', 'the Cityscapes root')
    parser.add_argument('--splits', nargs='+', default=list(SPLITS),
                        choices=SPLITS)
    parser.add_argument('--parts', nargs='*', default=list(PARTS),
                        choices=PARTS,
                        help='partners of the left images to check')
    parser.add_argument('--categories', action='store_true',
                        help='also write the 7-category maps')
    args = parser.parse_args(argv)
    convert_ = convert if 'semantics' in args.parts or args.categories \
        else None
    return run_converter(args, convert_, specs, 'Cityscapes')


if __name__ == '__main__':
    main()
