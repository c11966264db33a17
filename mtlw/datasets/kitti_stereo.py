"""KITTI raw stereo pairs (monodepth file lists) with Eigen-split depth."""
import os.path as osp
from typing import Dict, List, Optional, Tuple

import numpy as np

from mtlw.registry import DATASETS
from .base_stereo_files import (BaseStereoFileDataset, checked_file,
                                read_pair_list)
from .utils import check_array, check_data_root, read_image

KITTI_BASELINE = 0.54
# focal length (pixels) of the rectified colour cameras by image width, as
# monodepth's evaluation uses it
KITTI_FOCAL_BY_WIDTH = {1242: 721.5377, 1241: 718.856, 1224: 707.0493,
                        1238: 718.3351}
GT_DEPTH_SOURCES = ('velodyne', 'png')
LAYOUT = """\
data/kitti/
  2011_09_26/
    calib_cam_to_cam.txt, calib_velo_to_cam.txt
    2011_09_26_drive_0002_sync/
      image_02/data/0000000069.jpg   (left)
      image_03/data/0000000069.jpg   (right)
      velodyne_points/data/0000000069.bin
      proj_depth/groundtruth/image_02/0000000069.png   (improved depth)
  eigen_train_files.txt, eigen_test_files.txt, ...   ("left right" lines)"""


def kitti_focal(width: int) -> float:
    """Focal length in pixels of a KITTI colour camera image ``width`` wide."""
    if width not in KITTI_FOCAL_BY_WIDTH:
        raise ValueError(f'no KITTI focal length for image width {width}; '
                         f'known widths: {sorted(KITTI_FOCAL_BY_WIDTH)}')
    return KITTI_FOCAL_BY_WIDTH[width]


def read_calib_file(path: str) -> Dict[str, np.ndarray]:
    """``key: numbers`` lines of a KITTI calibration file (others skipped).

    Args:
        path (str): e.g. ``<date>/calib_cam_to_cam.txt``.

    Returns:
        dict[str, np.ndarray]: float64 arrays by key.
    """
    values = {}
    with open(checked_file(path, 'KITTI calibration file')) as file:
        for line in file:
            key, _, numbers = line.partition(':')
            try:
                values[key.strip()] = np.array(numbers.split(), dtype=float)
            except ValueError:
                continue  # e.g. calib_time: 09-Jan-2012 13:57:47
    return values


def _check_calib(calib: Dict[str, np.ndarray], sizes: Dict[str, int],
                 path: str) -> Dict[str, np.ndarray]:
    """``calib`` if every key of ``sizes`` holds that many numbers."""
    for key, size in sizes.items():
        if key not in calib or calib[key].size != size:
            raise KeyError(f'{path}: needs {key} with {size} numbers')
    return calib


def velodyne_depth_map(points: np.ndarray, cam_to_cam: Dict[str, np.ndarray],
                       velo_to_cam: Dict[str, np.ndarray],
                       camera: int = 2) -> np.ndarray:
    """Project a velodyne scan into a rectified camera: a sparse depth map.

    Monodepth's Eigen-split ground truth: points in front of the scanner
    (``x >= 0``) go through ``P_rect_0c R_rect_00 [R|T]_velo_to_cam`` to
    pixel ``(round(u) - 1, round(v) - 1)`` (the KITTI devkit's 1-based
    convention); the depth is the point's forward distance from the scanner
    (its ``x``), the nearest point kept where several land on one pixel.
    The map size is ``S_rect_0c``.

    Args:
        points (np.ndarray): (N, 4) velodyne points (x, y, z, reflectance).
        cam_to_cam (dict): ``read_calib_file('calib_cam_to_cam.txt')``.
        velo_to_cam (dict): ``read_calib_file('calib_velo_to_cam.txt')``.
        camera (int): 2 (left colour) or 3 (right colour).

    Returns:
        np.ndarray: (H, W) float32 depth in metres, 0 without a point.
    """
    width, height = (int(v) for v in cam_to_cam[f'S_rect_0{camera}'])
    velo_to_rect = np.eye(4)
    velo_to_rect[:3, :3] = velo_to_cam['R'].reshape(3, 3)
    velo_to_rect[:3, 3] = velo_to_cam['T']
    rect = np.eye(4)
    rect[:3, :3] = cam_to_cam['R_rect_00'].reshape(3, 3)
    projection = cam_to_cam[f'P_rect_0{camera}'].reshape(3, 4) @ rect @ \
        velo_to_rect
    points = points[points[:, 0] >= 0]
    homogeneous = np.concatenate([points[:, :3], np.ones((len(points), 1))],
                                 axis=1)
    image = homogeneous @ projection.T
    cols = np.round(image[:, 0] / image[:, 2]) - 1
    rows = np.round(image[:, 1] / image[:, 2]) - 1
    depth = points[:, 0]
    inside = (cols >= 0) & (rows >= 0) & (cols < width) & (rows < height)
    nearest = np.full((height, width), np.inf)
    np.minimum.at(nearest,
                  (rows[inside].astype(int), cols[inside].astype(int)),
                  depth[inside])
    nearest[~np.isfinite(nearest) | (nearest < 0)] = 0
    return nearest.astype(np.float32)


def split_kitti_path(path: str) -> Tuple[str, str, str]:
    """``(date, drive, frame)`` of a KITTI raw image path,
    ``<date>/<drive>/image_0c/data/<frame>.ext``."""
    parts = path.replace('\\', '/').split('/')
    if len(parts) < 5 or parts[-2] != 'data' or \
            not parts[-3].startswith('image_0'):
        raise ValueError(f'not a KITTI raw image path '
                         f'<date>/<drive>/image_0c/data/<frame>: {path}')
    return parts[-5], parts[-4], osp.splitext(parts[-1])[0]


@DATASETS.register_module()
class KittiStereoDataset(BaseStereoFileDataset):
    """KITTI raw rectified stereo pairs listed in monodepth-style files.

    Each line of ``ann_file`` is ``left right``, both relative to
    ``data_root`` (e.g. ``2011_09_26/2011_09_26_drive_0002_sync/image_02/
    data/0000000069.jpg`` and ``.../image_03/...``); monodepth's lists give
    the Eigen split (22600 train / 888 val / 697 test). The camera is
    ``focal`` by image width (:data:`KITTI_FOCAL_BY_WIDTH`) and a 0.54 m
    baseline.

    Ground truth of the left view, for evaluation (``gt_depth``):

    - ``'velodyne'``: the scan ``<drive>/velodyne_points/data/<frame>.bin``
      projected with ``<date>/calib_{cam_to_cam,velo_to_cam}.txt``
      (:func:`velodyne_depth_map`), as monodepth evaluates the Eigen split;
    - ``'png'``: the improved (accumulated) depth maps
      ``<drive>/proj_depth/groundtruth/image_02/<frame>.png``, uint16 /
      256, 0 invalid (652 of the 697 Eigen test frames have one).

    Args:
        data_root (str): KITTI raw root (layout in :data:`LAYOUT`).
        ann_file (str): The pair list, relative to ``data_root`` or absolute.
        gt_depth (str, optional): ``'velodyne'``, ``'png'`` or None.
        **kwargs: See :class:`~mtlw.datasets.base_stereo_files.
            BaseStereoFileDataset` (``pipeline``, ``test_mode``, ...).
    """

    def __init__(self, data_root: str, ann_file: str,
                 gt_depth: Optional[str] = None, **kwargs) -> None:
        if gt_depth is not None and gt_depth not in GT_DEPTH_SOURCES:
            raise ValueError(f'KittiStereoDataset: gt_depth must be one of '
                             f'{GT_DEPTH_SOURCES} or None, got {gt_depth!r}')
        check_data_root(data_root, LAYOUT,
                        'docs/datasets.md#kitti-raw-eigen-split')
        self.gt_depth = gt_depth
        super().__init__(data_root=data_root, ann_file=ann_file,
                         with_depth=gt_depth is not None, **kwargs)

    def load_data_list(self) -> List[dict]:
        """One entry per line of ``ann_file``."""
        pairs = read_pair_list(checked_file(self.ann_file,
                                            'KITTI pair list (ann_file)'))
        data_list = []
        for left, right in pairs:
            info = dict(img_path=osp.join(self.data_root, left),
                        img_right_path=osp.join(self.data_root, right))
            if self.gt_depth is not None:
                info['kitti_frame'] = split_kitti_path(left)
            data_list.append(info)
        return data_list

    def camera(self, width: int) -> Tuple[float, float]:
        return kitti_focal(width), KITTI_BASELINE

    def load_gt_depth(self, info: dict, size: Tuple[int, int]) -> np.ndarray:
        date, drive, frame = info['kitti_frame']
        drive_dir = osp.join(self.data_root, date, drive)
        if self.gt_depth == 'png':
            path = osp.join(drive_dir, 'proj_depth', 'groundtruth',
                            'image_02', f'{frame}.png')
            return read_image(path, 'unchanged', dtype=np.uint16, channels=1,
                              size=size, note='depth x 256'
                              ).astype(np.float32) / 256
        scan = checked_file(
            osp.join(drive_dir, 'velodyne_points', 'data', f'{frame}.bin'),
            'velodyne scan')
        points = np.fromfile(scan, dtype=np.float32)
        if points.size % 4:
            raise ValueError(f'velodyne scan {scan} is not a list of float32 '
                             '(x, y, z, reflectance) points')
        calib_dir = osp.join(self.data_root, date)
        cam_path = osp.join(calib_dir, 'calib_cam_to_cam.txt')
        velo_path = osp.join(calib_dir, 'calib_velo_to_cam.txt')
        cam_to_cam = _check_calib(
            read_calib_file(cam_path),
            dict(S_rect_02=2, R_rect_00=9, P_rect_02=12), cam_path)
        velo_to_cam = _check_calib(read_calib_file(velo_path),
                                   dict(R=9, T=3), velo_path)
        depth = velodyne_depth_map(points.reshape(-1, 4), cam_to_cam,
                                   velo_to_cam)
        return check_array(depth, cam_path, size=size)
