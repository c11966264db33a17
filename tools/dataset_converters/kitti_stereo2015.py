"""KITTI stereo 2015: the training frames with disparity, as
``KittiStereo2015DepthDataset`` reads them.

The official ``data_scene_flow.zip`` holds, under ``training/``, two frames
per scene (``image_2/<id>_10.png`` and ``<id>_11.png``) but a disparity map
for the first only (``disp_occ_0/<id>_10.png``). The converter copies the
200 first frames and their maps to ``--out`` (so that every image of the
layout has its map) and checks them: uint16 disparity x 256, one channel,
the image's size::

    <out>/training/image_2/<id>_10.png
    <out>/training/disp_occ_0/<id>_10.png

Example::

    python tools/dataset_converters/kitti_stereo2015.py data_scene_flow \\
        --out data/kitti_stereo2015

See docs/datasets.md#kitti-stereo-2015.
"""
import glob
import os
import os.path as osp
import shutil
from argparse import Namespace
from typing import List, Optional

import numpy as np

from mtlw.datasets.converter_utils import (FileSpec, converter_parser, require,
                                           run_converter)

FOLDERS = ('image_2', 'disp_occ_0')
OFFICIAL = 200


def convert(args: Namespace) -> int:
    """Copy the first frames and their disparity; returns their number."""
    source = require(osp.join(args.source, 'training'),
                     'KITTI stereo 2015 training folder')
    pattern = osp.join(source, 'disp_occ_0', '*_10.png')
    maps = sorted(glob.glob(pattern))
    if not maps:
        raise FileNotFoundError(f'no disparity map matches {pattern!r}')
    for folder in FOLDERS:
        os.makedirs(osp.join(args.out, 'training', folder), exist_ok=True)
    for path in maps:
        name = osp.basename(path)
        for folder in FOLDERS:
            shutil.copyfile(
                require(osp.join(source, folder, name), 'KITTI file'),
                osp.join(args.out, 'training', folder, name))
    return len(maps)


def specs(args: Namespace, converted: Optional[int]) -> List[FileSpec]:
    """The frames and maps: one each per scene, sizes matching."""
    return [FileSpec('training/image_2/*.png',
                     dict(dtype=np.uint8, channels=3), converted,
                     group='frames', official=OFFICIAL),
            FileSpec('training/disp_occ_0/*.png',
                     dict(dtype=np.uint16, channels=1,
                          note='disparity x 256'), converted,
                     group='frames')]


def main(argv: Optional[List[str]] = None) -> list:
    parser = converter_parser(
        'KITTI stereo 2015 training frames (see the docstring)',
        'the extracted data_scene_flow folder', 'data/kitti_stereo2015')
    return run_converter(parser.parse_args(argv), convert, specs,
                         'KITTI stereo 2015')


if __name__ == '__main__':
    main()
