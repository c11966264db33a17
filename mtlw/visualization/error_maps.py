"""Per-pixel error maps of dense predictions.

Lee, Lee and Kim, "Learning Multiple Pixelwise Tasks Based on Loss Scale
Balancing" (ICCV 2021, supplementary Fig. S-5) show where each task's loss
occurs and the overall error map, the sum of the tasks' maps. Here each
task's map is its per-pixel error (absolute depth error, angle between
normals in degrees, wrong label), 0 where the ground truth is invalid; the
overall map sums the task maps each divided by its own maximum, so that
tasks in different units weigh alike (a map that is 0 everywhere adds 0).
"""
from typing import Sequence

import numpy as np


def depth_error_map(pred: np.ndarray, gt: np.ndarray, min_depth: float = 0.0,
                    max_depth: float = float('inf')) -> np.ndarray:
    """``|pred - gt|`` where ``min_depth < gt <= max_depth``, else 0.

    Args:
        pred (np.ndarray): (H, W) predicted depth.
        gt (np.ndarray): (H, W) ground-truth depth.
        min_depth (float): Ground truth at or below it is invalid.
        max_depth (float): Ground truth above it is invalid.

    Returns:
        np.ndarray: (H, W) float errors.
    """
    pred, gt = _same_shape('depth_error_map', pred, gt)
    valid = np.isfinite(gt) & (gt > min_depth) & (gt <= max_depth)
    return np.where(valid, np.abs(pred - gt), 0.0)


def normal_error_map(pred: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """Angle in degrees between predicted and true normals, 0 where the
    true normal is the zero vector (no ground truth).

    Args:
        pred (np.ndarray): (3, H, W) normals (any length).
        gt (np.ndarray): (3, H, W) normals.

    Returns:
        np.ndarray: (H, W) angles in [0, 180].
    """
    pred, gt = _same_shape('normal_error_map', pred, gt)
    if pred.ndim != 3 or pred.shape[0] != 3:
        raise ValueError(f'normal_error_map: normals must be (3, H, W), got '
                         f'{pred.shape}')
    gt_norm = np.linalg.norm(gt, axis=0)
    pred_norm = np.linalg.norm(pred, axis=0)
    cosine = (pred * gt).sum(0) / np.maximum(pred_norm * gt_norm, 1e-12)
    angle = np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0)))
    return np.where(gt_norm > 0, angle, 0.0)


def seg_error_map(pred: np.ndarray, gt: np.ndarray,
                  ignore_index: int = 255) -> np.ndarray:
    """1 where the predicted label is wrong, 0 where right or ignored."""
    pred, gt = _same_shape('seg_error_map', pred, gt)
    return ((pred != gt) & (gt != ignore_index)).astype(np.float64)


def overall_error_map(maps: Sequence[np.ndarray]) -> np.ndarray:
    """Sum of the task maps, each divided by its maximum.

    Raises:
        ValueError: No map, or maps of different sizes.
    """
    if not maps:
        raise ValueError('overall_error_map: no error map given')
    shapes = {np.shape(m) for m in maps}
    if len(shapes) != 1:
        raise ValueError(f'overall_error_map: maps of different sizes '
                         f'{sorted(shapes)}')
    total = np.zeros(maps[0].shape)
    for error in maps:
        peak = float(np.max(error))
        if peak > 0:
            total += np.asarray(error, dtype=np.float64) / peak
    return total


def _same_shape(name: str, pred: np.ndarray, gt: np.ndarray):
    pred = np.asarray(pred, dtype=np.float64)
    gt = np.asarray(gt, dtype=np.float64)
    if pred.shape != gt.shape:
        raise ValueError(f'{name}: prediction {pred.shape} and ground truth '
                         f'{gt.shape} differ in shape')
    return pred, gt
