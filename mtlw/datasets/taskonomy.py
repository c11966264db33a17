"""Taskonomy: one RGB view, many dense labels, in per-building folders."""
import os
import os.path as osp
import re
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
from mmengine.dataset import BaseDataset

from mtlw.registry import DATASETS
from .utils import check_data_root, read_image

DOCS_PAGE = 'docs/datasets.md#taskonomy'
LAYOUT = """<data_root>/                               (e.g. data/taskonomy)
  <building>/rgb/point_<p>_view_<v>_domain_rgb.png
  <building>/<domain>/point_<p>_view_<v>_domain_<domain>.png
     domains: depth_zbuffer, normal, segment_semantic, principal_curvature,
     reshading, edge_texture, edge_occlusion, keypoints2d, keypoints3d"""
#: task name -> (Taskonomy domain folder, channels kept)
DOMAINS: Dict[str, Tuple[str, int]] = {
    'depth': ('depth_zbuffer', 1),
    'normal': ('normal', 3),
    'seg': ('segment_semantic', 1),
    'curvature': ('principal_curvature', 2),
    'reshading': ('reshading', 1),
    'edge2d': ('edge_texture', 1),
    'edge3d': ('edge_occlusion', 1),
    'keypoints2d': ('keypoints2d', 1),
    'keypoints3d': ('keypoints3d', 1),
}
#: task name -> what its files must hold (see :func:`~mtlw.datasets.utils.
#: check_array`); every label file must also have its image's size.
CHECKS: Dict[str, dict] = {
    'depth': dict(dtype=np.uint16, channels=1, note='1/512 m'),
    'normal': dict(dtype=np.uint8, channels=3),
    'seg': dict(dtype=np.uint8, channels=1),
}
DEPTH_UNIT = 1 / 512.0  # metres per depth_zbuffer step
DEPTH_INVALID = 65535
IGNORE_INDEX = 255
_VIEW = re.compile(r'^(point_\d+_view_\d+)_domain_rgb\.png$')


def result_key(task: str) -> str:
    """The results key of a task's ground truth (as ``PackMultiTaskInputs``
    and the models read it)."""
    return 'gt_seg_map' if task == 'seg' else (
        'gt_depth_map' if task == 'depth' else f'gt_{task}_map')


def decode(task: str, raw: np.ndarray) -> np.ndarray:
    """A Taskonomy label image as the model's target.

    - ``depth``: uint16 in 1/512 m, 65535 invalid -> float metres, 0 invalid;
    - ``normal``: uint8 RGB centred at 127.5 -> unit vectors (x, y, z);
    - ``seg``: uint8 with 0 unlabelled -> class - 1, 255 ignored;
    - the others: values / the dtype's maximum (so in [0, 1]), the task's
      first channels (RGB order).

    Args:
        task (str): A key of :data:`DOMAINS`.
        raw (np.ndarray): The PNG as read (``cv2.IMREAD_UNCHANGED``; colour
            images in BGR order).

    Returns:
        np.ndarray: (H, W) or (H, W, C) float32, or uint8 labels.
    """
    if raw.ndim == 3:
        raw = raw[..., ::-1]  # BGR -> RGB
    if task == 'seg':
        labels = raw if raw.ndim == 2 else raw[..., 0]
        return np.where(labels == 0, IGNORE_INDEX,
                        labels.astype(np.int64) - 1).astype(np.uint8)
    if task == 'depth':
        depth = raw if raw.ndim == 2 else raw[..., 0]
        return np.where(depth == DEPTH_INVALID, 0,
                        depth * DEPTH_UNIT).astype(np.float32)
    if task == 'normal':
        if raw.ndim != 3:
            raise ValueError('Taskonomy normals must be an RGB image, got '
                             f'shape {raw.shape}')
        normal = raw.astype(np.float32) / 127.5 - 1
        length = np.linalg.norm(normal, axis=-1, keepdims=True)
        return np.where(length > 0, normal / np.maximum(length, 1e-6), 0)
    scaled = raw.astype(np.float32) / np.iinfo(raw.dtype).max
    if scaled.ndim == 2:
        return scaled
    channels = DOMAINS[task][1]
    return scaled[..., 0] if channels == 1 else scaled[..., :channels]


@DATASETS.register_module()
class TaskonomyDataset(BaseDataset):
    """Taskonomy (Zamir et al., CVPR 2018) views with the labels of the
    chosen tasks, the Taskonomy data of the Loss Scale Balancing study (Lee,
    Lee, Kim, ICCV 2021; 4- and 8-task learning at 256 x 256).

    A sample is one view ``point_<p>_view_<v>`` of one building: ``img``
    (BGR uint8) and one results key per task (:func:`result_key`) decoded by
    :func:`decode`. With ``img_size``, image and labels are resized on
    loading (image bilinear, labels nearest, so invalid pixels stay
    invalid). Every non-image map is in ``seg_fields`` for the flips; pack
    the maps with ``PackMultiTaskInputs(pixel_keys=...)``.

    Samples are listed by ``ann_file`` (lines
    ``<building> point_<p>_view_<v>``, e.g. the paper's 1/100 subsample of
    the tiny split) or, without it, are
    every RGB view of ``buildings``. Every listed label file must exist;
    errors name it, the layout and ``docs/datasets.md#taskonomy``. When
    read, a label file must have its image's size (before ``img_size``) and
    the dtype and channels of :data:`CHECKS`.

    Args:
        data_root (str): Folder holding the building folders.
        tasks (Sequence[str]): Keys of :data:`DOMAINS`.
        buildings (Sequence[str], optional): Buildings to scan without
            ``ann_file``.
        ann_file (str, optional): View list, relative to ``data_root``.
        img_size (tuple[int, int], optional): ``(height, width)`` after
            loading, e.g. ``(256, 256)``; None keeps the stored size.
        pipeline (list[dict | callable]): Transforms.
        **kwargs: Other arguments of :class:`mmengine.dataset.BaseDataset`.
    """

    def __init__(self, data_root: str, tasks: Sequence[str],
                 buildings: Optional[Sequence[str]] = None,
                 ann_file: str = '',
                 img_size: Optional[Tuple[int, int]] = None,
                 pipeline: Sequence = (), **kwargs) -> None:
        unknown = [task for task in tasks if task not in DOMAINS]
        if unknown or not tasks:
            raise ValueError(f'TaskonomyDataset: unknown tasks {unknown}; '
                             f'choose from {sorted(DOMAINS)}')
        if not ann_file and not buildings:
            raise ValueError('TaskonomyDataset needs buildings=[...] or an '
                             'ann_file listing the views')
        self.tasks = tuple(tasks)
        self.buildings = tuple(buildings or ())
        self.img_size = tuple(img_size) if img_size else None
        super().__init__(data_root=data_root, ann_file=ann_file,
                         pipeline=list(pipeline), **kwargs)

    def load_data_list(self) -> List[dict]:
        """The views, with the RGB and label paths checked."""
        check_data_root(self.data_root, LAYOUT, DOCS_PAGE)
        views = self._listed_views() if self.ann_file else self._scan_views()
        data_list = []
        for building, view in views:
            paths = {task: self.label_path(building, view, task)
                     for task in ('rgb', *self.tasks)}
            missing = [path for path in paths.values()
                       if not osp.isfile(path)]
            if missing:
                raise FileNotFoundError(
                    f'Taskonomy files missing for {building}/{view}: '
                    f'{missing}. Expected layout:\n{LAYOUT}\nSee {DOCS_PAGE}.')
            data_list.append(dict(img_path=paths.pop('rgb'),
                                  label_paths=paths))
        if not data_list:
            raise FileNotFoundError(f'No Taskonomy view found under '
                                    f'{self.data_root!r}. Expected layout:\n'
                                    f'{LAYOUT}\nSee {DOCS_PAGE}.')
        return data_list

    def label_path(self, building: str, view: str, task: str) -> str:
        """The file of ``task`` (or ``'rgb'``) for one view."""
        domain = 'rgb' if task == 'rgb' else DOMAINS[task][0]
        return osp.join(self.data_root, building, domain,
                        f'{view}_domain_{domain}.png')

    def _listed_views(self) -> List[Tuple[str, str]]:
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(
                f'Taskonomy view list {self.ann_file!r} does not exist; it '
                'holds lines "<building> point_<p>_view_<v>"')
        with open(self.ann_file) as file:
            rows = [line.split() for line in file
                    if line.strip() and not line.startswith('#')]
        bad = [row for row in rows if len(row) != 2]
        if bad:
            raise ValueError(f'{self.ann_file}: lines must be "<building> '
                             f'point_<p>_view_<v>", got {bad[:3]}')
        return [tuple(row) for row in rows]

    def _scan_views(self) -> List[Tuple[str, str]]:
        return scan_views(self.data_root, self.buildings)

    def get_data_info(self, idx: int) -> dict:
        """Read and decode the view's image and labels."""
        info = super().get_data_info(idx)
        image = read_image(info['img_path'])
        size = self.img_size or image.shape[:2]
        info['img'] = resize(image, size, cv2.INTER_LINEAR)
        fields = []
        for task, path in info['label_paths'].items():
            raw = resize(read_image(path, 'unchanged', size=image.shape[:2],
                                    **CHECKS.get(task, {})),
                         size, cv2.INTER_NEAREST)
            info[result_key(task)] = decode(task, raw)
            fields.append(result_key(task))
        info.update(img_shape=tuple(size), ori_shape=tuple(size),
                    reduce_zero_label=False, seg_fields=fields)
        return info


def scan_views(data_root: str,
               buildings: Sequence[str]) -> List[Tuple[str, str]]:
    """``(building, 'point_<p>_view_<v>')`` of every RGB view of
    ``buildings``, in building order, views sorted by file name."""
    views = []
    for building in buildings:
        folder = osp.join(data_root, building, 'rgb')
        if not osp.isdir(folder):
            raise FileNotFoundError(
                f'Taskonomy folder {folder!r} does not exist. Expected '
                f'layout:\n{LAYOUT}\nSee {DOCS_PAGE}.')
        views += [(building, match[1]) for match in
                  map(_VIEW.match, sorted(os.listdir(folder))) if match]
    return views


def resize(image: np.ndarray, size: Sequence[int],
           interpolation: int) -> np.ndarray:
    """``image`` at ``size`` = (height, width), unchanged if it is there."""
    if tuple(image.shape[:2]) == tuple(size):
        return image
    return cv2.resize(image, (int(size[1]), int(size[0])),
                      interpolation=interpolation)
