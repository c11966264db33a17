"""KITTI raw: check the drives (and convert their PNGs to JPEG as monodepth
does).

The official downloads (``<date>_drive_<n>_sync.zip`` and
``<date>_calib.zip``, extracted into one root) give::

    <root>/<date>/calib_cam_to_cam.txt, calib_velo_to_cam.txt
    <root>/<date>/<date>_drive_<n>_sync/image_0{2,3}/data/<frame>.png
    <root>/<date>/<date>_drive_<n>_sync/velodyne_points/data/<frame>.bin

Monodepth's pair lists name ``.jpg`` files: ``--to-jpg`` writes a JPEG
(quality 92, 4:2:0 chroma, monodepth's ImageMagick command) next to every
left and right PNG, ``--remove-png`` then deletes the PNGs. The check
requires both calibration files of every date, a right view for every left
view, non-empty velodyne scans and, with ``--pair-list``, every file the
lists name. The split lists themselves are shipped separately.

Example::

    python tools/dataset_converters/kitti_raw.py data/kitti --to-jpg \\
        --pair-list data/kitti/eigen_test_files.txt

See docs/datasets.md#kitti-raw-eigen-split.
"""
import glob
import os
import os.path as osp
from argparse import Namespace
from typing import List, Optional

import cv2
import numpy as np

from mtlw.datasets.converter_utils import (FileSpec, converter_parser, require,
                                           run_converter)
from mtlw.datasets.kitti_stereo import read_kitti_list
from mtlw.datasets.utils import read_image

FRAMES = '*/*_sync/image_0{camera}/data/*.{ext}'
#: ImageMagick's ``-quality 92 -sampling-factor 2x2,1x1,1x1``.
JPEG_PARAMS = [cv2.IMWRITE_JPEG_QUALITY, 92]
if hasattr(cv2, 'IMWRITE_JPEG_SAMPLING_FACTOR'):
    JPEG_PARAMS += [cv2.IMWRITE_JPEG_SAMPLING_FACTOR,
                    cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420]


def convert(args: Namespace) -> None:
    """PNG -> JPEG for every frame of both colour cameras."""
    if not args.to_jpg:
        return
    pngs = sorted(path for camera in (2, 3) for path in glob.glob(
        osp.join(args.out, FRAMES.format(camera=camera, ext='png'))))
    if not pngs:
        raise FileNotFoundError(f'no KITTI frame matches '
                                f'{osp.join(args.out, FRAMES)!r}')
    for png in pngs:
        image = read_image(png, dtype=np.uint8, channels=3)
        cv2.imwrite(png[:-4] + '.jpg', image, JPEG_PARAMS)
        if args.remove_png:
            os.remove(png)


def check_pair_lists(root: str, lists: List[str]) -> None:
    """Every file of every KITTI list exists under ``root``."""
    for path in lists:
        missing = [osp.join(root, name)
                   for pair in read_kitti_list(require(path, 'pair list'))
                   for name in pair if not osp.isfile(osp.join(root, name))]
        if missing:
            raise FileNotFoundError(f'{len(missing)} files listed by {path!r}'
                                    f' do not exist, e.g. {missing[:5]}')


def specs(args: Namespace, converted: None) -> List[FileSpec]:
    """Calibration of every date, paired frames, velodyne scans."""
    check_pair_lists(args.out, args.pair_list)
    ext = 'jpg' if args.to_jpg else args.ext
    image = dict(dtype=np.uint8, channels=3)
    return [FileSpec(FRAMES.format(camera=2, ext=ext), image, group='frames'),
            FileSpec(FRAMES.format(camera=3, ext=ext), image, group='frames'),
            FileSpec('*/calib_cam_to_cam.txt', group='dates'),
            FileSpec('*/calib_velo_to_cam.txt', group='dates'),
            FileSpec('*/*_sync/velodyne_points/data/*.bin')]


def main(argv: Optional[List[str]] = None) -> list:
    parser = converter_parser('KITTI raw: JPEG frames and checks (see the '
                              'docstring)', 'the KITTI raw root')
    parser.add_argument('--to-jpg', action='store_true',
                        help='write a JPEG next to every colour PNG')
    parser.add_argument('--remove-png', action='store_true',
                        help='with --to-jpg, delete the PNGs')
    parser.add_argument('--ext', default='jpg', choices=('jpg', 'png'),
                        help='frame files to check (default jpg)')
    parser.add_argument('--pair-list', nargs='*', default=[],
                        help='"left right" lists whose files must exist')
    args = parser.parse_args(argv)
    if args.remove_png and not args.to_jpg:
        parser.error('--remove-png needs --to-jpg')
    return run_converter(args, convert, specs, 'KITTI raw')


if __name__ == '__main__':
    main()
