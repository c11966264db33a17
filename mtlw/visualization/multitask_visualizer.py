"""Side-by-side pictures of every task: image, prediction, ground truth."""
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import mmcv
import numpy as np
import torch
from mmengine.structures import BaseDataElement
from mmengine.visualization import Visualizer

from mtlw.registry import VISUALIZERS

#: Colour of pixels without a value (ignored labels, invalid depth).
INVALID = (0, 0, 0)
#: Colour of a panel whose map the sample lacks (e.g. no ground truth).
MISSING = (128, 128, 128)
IGNORE_INDEX = 255


def task_fields(data_sample: BaseDataElement) -> List[Tuple[str, str, str]]:
    """``(task, prediction field, ground-truth field)`` of every prediction
    on ``data_sample``: ``pred_sem_seg`` pairs with ``gt_sem_seg``,
    ``pred_<name>_map`` with ``gt_<name>_map``."""
    tasks = []
    for key in sorted(data_sample.keys()):
        if key == 'pred_sem_seg':
            tasks.append(('sem_seg', key, 'gt_sem_seg'))
        elif key.startswith('pred_') and key.endswith('_map'):
            name = key[len('pred_'):-len('_map')]
            tasks.append((name, key, f'gt_{name}_map'))
    return tasks


def _array(data_sample: BaseDataElement, field: str) -> Optional[np.ndarray]:
    """The (C, H, W) float array of a PixelData field, or None."""
    if field not in data_sample:
        return None
    data = getattr(data_sample, field).data
    if isinstance(data, torch.Tensor):
        data = data.detach().float().cpu().numpy()
    return np.asarray(data, dtype=np.float32)


def colorize_labels(labels: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """(H, W) class indices as RGB; 255 and unknown classes black."""
    labels = labels.astype(np.int64)
    known = (labels >= 0) & (labels < len(palette))
    picture = np.zeros(labels.shape + (3, ), np.uint8)
    picture[:] = INVALID
    picture[known] = palette[labels[known]]
    return picture


def colorize_scalar(values: np.ndarray, valid: np.ndarray,
                    value_range: Tuple[float, float]) -> np.ndarray:
    """(H, W) values (depth, disparity, ...) through the magma colour map
    over ``value_range``; pixels not ``valid`` black."""
    low, high = value_range
    scaled = np.clip((values - low) / max(high - low, 1e-12), 0, 1)
    codes = np.nan_to_num(scaled * 255).astype(np.uint8)
    picture = cv2.applyColorMap(codes, cv2.COLORMAP_MAGMA)[..., ::-1]
    picture = np.ascontiguousarray(picture)
    picture[~valid] = INVALID
    return picture


def colorize_normals(normals: np.ndarray) -> np.ndarray:
    """(3, H, W) unit normals as RGB ``(n + 1) / 2``; zero normals black."""
    picture = np.clip((normals.transpose(1, 2, 0) + 1) * 127.5, 0, 255)
    picture = picture.astype(np.uint8)
    picture[~np.any(normals != 0, axis=0)] = INVALID
    return picture


def _scalar_range(maps: Sequence[Optional[np.ndarray]]) -> Tuple[float, float]:
    """2nd to 98th percentile of the valid (finite, > 0) values of
    ``maps``: one colour scale for a prediction and its ground truth."""
    values = [m[np.isfinite(m) & (m > 0)] for m in maps if m is not None]
    values = np.concatenate(values) if values else np.zeros(0)
    if not values.size:
        return 0.0, 1.0
    return (float(np.percentile(values, 2)),
            float(np.percentile(values, 98)))


@VISUALIZERS.register_module()
class MultiTaskVisualizer(Visualizer):
    """Pictures of dense predictions for any number of tasks.

    :meth:`draw_panels` makes one row per predicted task (every
    ``pred_sem_seg`` / ``pred_<name>_map`` of the data sample): the input
    image, the prediction and the ground truth, side by side, all at the
    prediction's size, so the picture is 3 panels wide and one row per task
    high. Segmentation is drawn with the dataset's palette (``dataset_meta``;
    a fixed random palette without one), ignored labels black; depth,
    disparity and other one-channel maps with the magma colour map on one
    scale shared by prediction and ground truth (2nd-98th percentile of
    their valid values), invalid pixels (ground truth 0) black; normals as
    RGB ``(n + 1) / 2``. A missing ground truth is a grey panel.

    Args:
        name (str): Instance name. Defaults to ``'visualizer'``.
        **kwargs: Other :class:`mmengine.visualization.Visualizer` arguments
            (``vis_backends``, ``save_dir``).
    """

    def __init__(self, name: str = 'visualizer', **kwargs) -> None:
        super().__init__(name=name, **kwargs)

    def palette(self, num_labels: int) -> np.ndarray:
        """(N, 3) uint8 RGB class colours of ``dataset_meta`` (or fixed
        random ones), at least ``num_labels`` of them."""
        meta = self.dataset_meta or {}
        palette = meta.get('palette')
        count = max(num_labels, len(meta.get('classes', ())))
        if palette is None or len(palette) < count:
            palette = np.random.default_rng(0).integers(
                0, 256, (max(count, 1), 3))
        return np.asarray(palette, dtype=np.uint8)

    def draw_task(self, task: str, pred: np.ndarray,
                  gt: Optional[np.ndarray]) -> Tuple[np.ndarray, np.ndarray]:
        """RGB pictures of one task's (C, H, W) prediction and ground
        truth (None: a grey panel)."""
        if task == 'sem_seg':
            top = max(int(m[m != IGNORE_INDEX].max(initial=0))
                      for m in (pred, gt) if m is not None)
            palette = self.palette(top + 1)
            pictures = [colorize_labels(m[0], palette) if m is not None
                        else None for m in (pred, gt)]
        elif pred.shape[0] == 3:
            pictures = [colorize_normals(m) if m is not None else None
                        for m in (pred, gt)]
        else:  # ground truth 0 is invalid; every finite prediction counts
            value_range = _scalar_range([pred[0]] + (
                [] if gt is None else [gt[0]]))
            pictures = [colorize_scalar(pred[0], np.isfinite(pred[0]),
                                        value_range)]
            pictures.append(None if gt is None else colorize_scalar(
                gt[0], np.isfinite(gt[0]) & (gt[0] > 0), value_range))
        if pictures[1] is None:
            pictures[1] = np.empty(pred.shape[1:] + (3, ), np.uint8)
            pictures[1][:] = MISSING
        return pictures[0], pictures[1]

    def draw_panels(self, image: np.ndarray,
                    data_sample: BaseDataElement) -> np.ndarray:
        """The picture of one sample.

        Args:
            image (np.ndarray): (H, W, 3) uint8 RGB input image.
            data_sample (BaseDataElement): The model's output, with
                predictions and (optionally) ground truths.

        Returns:
            np.ndarray: (tasks x h, 3 x w, 3) uint8 RGB, (h, w) the size of
            the first prediction.

        Raises:
            ValueError: ``data_sample`` holds no prediction.
        """
        tasks = task_fields(data_sample)
        if not tasks:
            raise ValueError(
                'MultiTaskVisualizer: the data sample holds no prediction '
                '(pred_sem_seg or pred_<name>_map); it has '
                f'{data_sample.keys()}')
        size = _array(data_sample, tasks[0][1]).shape[1:]
        image = mmcv.imresize(image, size[::-1])
        rows = []
        for task, pred_field, gt_field in tasks:
            pred, gt = (_array(data_sample, f) for f in (pred_field, gt_field))
            panels = self.draw_task(task, pred, gt)
            rows.append(np.concatenate(
                [image] + [mmcv.imresize(p, size[::-1],
                                         interpolation='nearest')
                           for p in panels], axis=1))
        return np.concatenate(rows, axis=0)

    def add_datasample(self, name: str, image: np.ndarray,
                       data_sample: Optional[BaseDataElement] = None,
                       draw_gt: bool = True, draw_pred: bool = True,
                       show: bool = False, wait_time: float = 0,
                       out_file: Optional[str] = None, step: int = 0,
                       **kwargs) -> Dict[str, np.ndarray]:
        """Draw ``data_sample`` (:meth:`draw_panels`) and write it to
        ``out_file`` (RGB picture saved as PNG), else to the backends.

        Args:
            name (str): Picture name (backends, window).
            image (np.ndarray): (H, W, 3) uint8 RGB input image.
            data_sample (BaseDataElement): The model's output.
            draw_gt (bool): Unused (ground truths are always drawn).
            draw_pred (bool): Unused (predictions are always drawn).
            show (bool): Also show it in a window.
            wait_time (float): Seconds the window stays.
            out_file (str, optional): Where to write the picture.
            step (int): Backend step.
            **kwargs: Ignored (mmseg's other arguments).

        Returns:
            dict: ``{'picture': (H, W, 3) uint8 RGB}``.
        """
        picture = self.draw_panels(image, data_sample)
        if show:
            self.show(picture, win_name=name, wait_time=wait_time)
        if out_file is not None:
            mmcv.imwrite(picture[..., ::-1], out_file)
        else:
            self.add_image(name, picture, step)
        return dict(picture=picture)
