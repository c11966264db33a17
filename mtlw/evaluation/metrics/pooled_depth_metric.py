"""Depth errors pooled over every valid pixel of the dataset."""
from typing import Any, Dict, List, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric

from mtlw.registry import METRICS
from .per_image_depth_metric import sample_field

#: The reported errors.
POOLED_DEPTH_METRICS = ('abs_err', 'rel_err', 'rmse', 'rmse_log')


@METRICS.register_module()
class PooledDepthMetric(BaseMetric):
    """Depth errors averaged over all valid pixels of the dataset.

    The protocol of the multi-task benchmarks: with ``p`` the predicted
    and ``g`` the ground-truth depth over the valid pixels of ALL images,

    - ``abs_err = mean |p - g|`` and ``rel_err = mean |p - g| / g``
      (LibMTL's ``DepthMetric`` on NYUv2 and Cityscapes: its per-batch
      means are weighted by the batch's number of valid pixels, which is
      the mean over all valid pixels);
    - ``rmse = sqrt(mean (p - g)^2)`` and
      ``rmse_log = sqrt(mean (log p - log g)^2)`` (Vandenhende's
      ``DepthMeter`` on NYUD, predictions clamped at 1e-9 for the log).

    Valid pixels have ``g > 0`` (the invalid ones are 0 in both layouts).
    Unlike :class:`PerImageDepthMetric`, images with more valid pixels
    weigh more and the prediction is not clamped to a range.

    Expected data sample fields: ``pred_depth_map.data`` and
    ``gt_depth_map.data``, (1, H, W) each.

    Args:
        collect_device (str): Device to gather results across ranks.
        prefix (str, optional): Prefix of the metric names.
    """

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        """Keep every image's sums over its valid pixels."""
        for data_sample in data_samples:
            pred = sample_field(data_sample, 'pred_depth_map').double()
            gt = sample_field(data_sample, 'gt_depth_map').to(pred)
            if pred.shape != gt.shape:
                raise ValueError(
                    f'pred_depth_map {tuple(pred.shape)} and gt_depth_map '
                    f'{tuple(gt.shape)} differ in size: predict at the size '
                    'of the ground truth')
            valid = gt > 0
            pred, gt = pred[valid], gt[valid]
            diff = pred - gt
            log_diff = pred.clamp(min=1e-9).log() - gt.log()
            sums = torch.stack([
                diff.abs().sum(), (diff.abs() / gt).sum(),
                (diff ** 2).sum(), (log_diff ** 2).sum()]).tolist()
            self.results.append((int(valid.sum()), sums))

    def compute_metrics(self, results: List[tuple]) -> Dict[str, float]:
        """Divide the summed errors by the number of valid pixels."""
        count = sum(item[0] for item in results)
        if count == 0:
            raise ValueError('PooledDepthMetric: no valid ground-truth pixel '
                             '(depth > 0) in the dataset')
        sums = np.sum([item[1] for item in results], axis=0) / count
        return dict(abs_err=float(sums[0]), rel_err=float(sums[1]),
                    rmse=float(np.sqrt(sums[2])),
                    rmse_log=float(np.sqrt(sums[3])))
