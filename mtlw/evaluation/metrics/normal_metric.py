"""Surface-normal metric: angular errors over all valid pixels."""
from typing import Any, Dict, List, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from mtlw.registry import METRICS
from ..functional.normal_errors import (angle_statistics, normal_angles,
                                        summarize_angles)
from .per_image_depth_metric import sample_field


@METRICS.register_module()
class NormalMetric(BaseMetric):
    """Angular error of predicted surface normals over a dataset.

    Every valid pixel of every image counts once (the ground truth's zero
    vectors mark invalid pixels); see
    :mod:`mtlw.evaluation.functional.normal_errors` for the metrics
    (``angle_mean``, ``angle_median``, ``angle_rmse`` in degrees,
    ``within_11.25``, ``within_22.5``, ``within_30`` in %).

    Expected data sample fields: ``pred_normal_map.data`` and
    ``gt_normal_map.data``, both (3, H, W).

    Args:
        collect_device (str): Device to gather results across ranks.
        prefix (str, optional): Prefix of the metric names.
    """

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        """Keep the additive angle statistics of every image."""
        for data_sample in data_samples:
            pred = sample_field(data_sample, 'pred_normal_map')
            gt = sample_field(data_sample, 'gt_normal_map').to(pred)
            self.results.append(angle_statistics(normal_angles(pred, gt)))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Sum the statistics of all images and summarise them."""
        totals = {key: np.sum([item[key] for item in results], axis=0)
                  for key in results[0]}
        return summarize_angles(totals)
