"""Surface-normal angular errors (Eigen & Fergus 2015 protocol).

Over the valid pixels, with ``n`` the ground-truth and ``n^`` the predicted
normal scaled to unit length, ``angle = acos(clip(n^ . n, -1, 1))`` in
degrees; a dataset is scored over all its valid pixels:

- ``angle_mean``, ``angle_median``, ``angle_rmse``;
- ``within_11.25``, ``within_22.5``, ``within_30``: % of pixels whose angle
  is below the threshold.

The median comes from a histogram of ``BIN_WIDTH`` degree bins (the middle
of the bin holding the median pixel, so within ``BIN_WIDTH / 2`` of it),
which keeps the memory of a dataset-wide median constant.
"""
from typing import Dict, Optional

import numpy as np
import torch
from torch import Tensor

THRESHOLDS = (11.25, 22.5, 30.0)
NORMAL_METRICS = ('angle_mean', 'angle_median', 'angle_rmse') + tuple(
    f'within_{t:g}' for t in THRESHOLDS)
BIN_WIDTH = 0.05
NUM_BINS = int(round(180 / BIN_WIDTH))


def normal_angles(pred: Tensor, gt: Tensor,
                  valid: Optional[Tensor] = None) -> Tensor:
    """Angles in degrees between predicted and ground-truth normals.

    Args:
        pred (Tensor): (3, H, W) predicted normals, any length (a zero vector
            scores 90 degrees).
        gt (Tensor): (3, H, W) unit ground-truth normals.
        valid (Tensor, optional): (H, W) bool; defaults to the pixels whose
            ground truth is not the zero vector.

    Returns:
        Tensor: 1-D float64 angles of the valid pixels.
    """
    if pred.shape != gt.shape or pred.dim() != 3 or pred.shape[0] != 3:
        raise ValueError(f'normal_angles needs (3, H, W) pred and gt of one '
                         f'shape, got {tuple(pred.shape)} and '
                         f'{tuple(gt.shape)}')
    pred, gt = pred.double(), gt.double()
    if valid is None:
        valid = gt.abs().sum(0) > 0
    unit = pred / pred.norm(dim=0, keepdim=True).clamp(min=1e-12)
    cosine = (unit * gt).sum(0)[valid.bool()].clamp(-1, 1)
    return torch.rad2deg(torch.acos(cosine))


def angle_statistics(angles: Tensor) -> Dict[str, np.ndarray]:
    """Additive statistics of some angles: count, sum, sum of squares,
    counts under each threshold and the histogram (``NUM_BINS`` bins)."""
    angles = angles.double().flatten()
    bins = (angles / BIN_WIDTH).long().clamp(0, NUM_BINS - 1)
    # one read of everything (exact: counts are below 2**53)
    values = torch.cat([
        torch.stack([angles.sum(), (angles ** 2).sum()]),
        torch.stack([(angles < t).sum() for t in THRESHOLDS]).double(),
        torch.bincount(bins, minlength=NUM_BINS).double()]).tolist()
    within = values[2:2 + len(THRESHOLDS)]
    return dict(
        count=np.array(angles.numel(), dtype=np.int64),
        sum=np.array(values[0]),
        sum_sq=np.array(values[1]),
        within=np.array(within, dtype=np.int64),
        histogram=np.array(values[2 + len(THRESHOLDS):], dtype=np.int64))


def histogram_median(histogram: np.ndarray,
                     bin_width: float = BIN_WIDTH) -> float:
    """Middle of the bin holding the median of a histogram's values."""
    total = int(histogram.sum())
    if total == 0:
        raise ValueError('histogram_median of an empty histogram')
    index = int(np.searchsorted(np.cumsum(histogram), (total + 1) / 2))
    return (index + 0.5) * bin_width


def summarize_angles(stats: Dict[str, np.ndarray]) -> Dict[str, float]:
    """:data:`NORMAL_METRICS` from summed :func:`angle_statistics`."""
    count = int(stats['count'])
    if count == 0:
        raise ValueError('no valid normal to evaluate')
    result = dict(angle_mean=float(stats['sum']) / count,
                  angle_median=histogram_median(stats['histogram']),
                  angle_rmse=float(np.sqrt(stats['sum_sq'] / count)))
    for threshold, within in zip(THRESHOLDS, stats['within']):
        result[f'within_{threshold:g}'] = 100.0 * int(within) / count
    return result
