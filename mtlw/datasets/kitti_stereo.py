"""KITTI raw stereo pairs (monodepth file lists) with Eigen-split depth."""
import os.path as osp
from typing import Dict, List, Optional, Tuple

import numpy as np

from mtlw.registry import DATASETS
from .base_stereo_files import BaseStereoFileDataset, checked_file
from .split_files import resolve_split_file
from .utils import check_array, check_data_root, read_image

# The rounded baseline (m) and the focal lengths (pixels) by image width that
# monodepth's evaluation uses for KITTI stereo 2015 (no calibration files in
# that layout). KITTI raw reads both from each date's calib_cam_to_cam.txt
# (kitti_stereo_camera); the true baseline there is about 0.5327 m.
KITTI_BASELINE = 0.54
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
  pair lists: packaged ones (split:kitti/...) or your own files"""
LIST_FORMATS = """\
"<left> <right>" (monodepth: both paths relative to data_root) or
"<date>/<drive> <frame> [l]" (monodepth2, CoV-Weighting: image_02, image_03)"""


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


def kitti_stereo_camera(
        cam_to_cam: Dict[str, np.ndarray]) -> Tuple[float, float, int]:
    """Focal length, baseline and image width of the rectified colour pair.

    As the evaluation of monodepth (Godard et al., CVPR 2017) and of the
    CoV-Weighting authors (Groenendijk et al., WACV 2021) reads them: each
    rectified projection ``P_rect_0c = [[f, 0, cx, -f b_c], ...]`` places
    camera ``c`` at ``b_c = -P[0, 3] / P[0, 0]`` along x from the reference
    camera, so the baseline is ``b_3 - b_2`` (about 0.5327 m, not the rounded
    0.54 m) and the focal length is ``P_rect_02[0, 0]`` in pixels of the
    rectified image, ``S_rect_02[0]`` pixels wide.

    Args:
        cam_to_cam (dict): ``read_calib_file('calib_cam_to_cam.txt')``.

    Returns:
        tuple[float, float, int]: ``(focal in pixels, baseline in metres,
        width in pixels)``.
    """
    left = cam_to_cam['P_rect_02'].reshape(3, 4)
    right = cam_to_cam['P_rect_03'].reshape(3, 4)
    baseline = right[0, 3] / -right[0, 0] - left[0, 3] / -left[0, 0]
    if not baseline > 0:
        raise ValueError(f'P_rect_02 / P_rect_03 give a baseline of '
                         f'{baseline} m; expected the right camera (3) to the '
                         'right of the left one (2)')
    return float(left[0, 0]), float(baseline), int(cam_to_cam['S_rect_02'][0])


def read_kitti_list(path: str, img_suffix: str = '.jpg'
                    ) -> List[Tuple[str, str]]:
    """``(left, right)`` image paths of a KITTI raw list file.

    Lines are ``left right`` (monodepth's lists) or ``<date>/<drive> <frame>``
    with an optional side ``l`` (monodepth2's and the CoV-Weighting authors'
    lists), which name ``<date>/<drive>/image_02/data/<frame><img_suffix>``
    (the frame zero-padded to 10 digits) and its ``image_03`` partner.
    Blank lines and ``#`` comments are skipped.

    Args:
        path (str): The list file.
        img_suffix (str): Image extension for frame-number lines.

    Returns:
        list[tuple[str, str]]: Paths relative to the KITTI raw root.
    """
    pairs = []
    with open(path) as file:
        for number, line in enumerate(file, 1):
            parts = line.split('#')[0].split()
            if not parts:
                continue
            if len(parts) == 2 and '/image_0' in parts[0]:
                pairs.append((parts[0], parts[1]))
            elif len(parts) in (2, 3) and parts[1].isdigit() and \
                    parts[2:] in ([], ['l']):
                frame = f'{int(parts[1]):010d}'  # monodepth2 may not pad
                pairs.append(tuple(
                    f'{parts[0]}/image_0{cam}/data/{frame}{img_suffix}'
                    for cam in (2, 3)))
            else:
                raise ValueError(f'{path}:{number}: expected one of\n'
                                 f'{LIST_FORMATS}\ngot {line.strip()!r}')
    return pairs


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
    data/0000000069.jpg`` and ``.../image_03/...``), or ``<date>/<drive>
    <frame>`` (:func:`read_kitti_list`). ``ann_file='split:kitti/<name>'``
    names a list shipped with mtlw (``mtlw/datasets/splits/kitti/``: the
    Eigen test split, 697 frames, and the 652 of them with improved ground
    truth). The camera comes from the drive's calibration
    (``<date>/calib_cam_to_cam.txt``, :func:`kitti_stereo_camera`): the
    focal length scaled from the rectified width to the image's width and
    the baseline between the two rectified colour cameras.

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
        img_suffix (str): Image extension for frame-number list lines.
            Defaults to ``'.jpg'`` (monodepth's converted images).
        **kwargs: See :class:`~mtlw.datasets.base_stereo_files.
            BaseStereoFileDataset` (``pipeline``, ``test_mode``, ...).
    """

    def __init__(self, data_root: str, ann_file: str,
                 gt_depth: Optional[str] = None, img_suffix: str = '.jpg',
                 **kwargs) -> None:
        if gt_depth is not None and gt_depth not in GT_DEPTH_SOURCES:
            raise ValueError(f'KittiStereoDataset: gt_depth must be one of '
                             f'{GT_DEPTH_SOURCES} or None, got {gt_depth!r}')
        check_data_root(data_root, LAYOUT,
                        'docs/datasets.md#kitti-raw-eigen-split')
        self.gt_depth = gt_depth
        self.img_suffix = img_suffix
        self._cameras: Dict[str, Tuple[float, float, int]] = {}
        super().__init__(data_root=data_root,
                         ann_file=resolve_split_file(ann_file),
                         with_depth=gt_depth is not None, **kwargs)

    def load_data_list(self) -> List[dict]:
        """One entry per line of ``ann_file``."""
        pairs = read_kitti_list(
            checked_file(self.ann_file, 'KITTI pair list (ann_file)'),
            self.img_suffix)
        return [dict(img_path=osp.join(self.data_root, left),
                     img_right_path=osp.join(self.data_root, right),
                     kitti_frame=split_kitti_path(left))
                for left, right in pairs]

    def camera(self, info: dict, width: int) -> Tuple[float, float]:
        """The calibrated focal length at ``width`` and the baseline."""
        date = info['kitti_frame'][0]
        if date not in self._cameras:
            path = osp.join(self.data_root, date, 'calib_cam_to_cam.txt')
            self._cameras[date] = kitti_stereo_camera(_check_calib(
                read_calib_file(path),
                dict(S_rect_02=2, P_rect_02=12, P_rect_03=12), path))
        focal, baseline, calib_width = self._cameras[date]
        return focal * width / calib_width, baseline

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
