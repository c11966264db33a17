"""Saliency max F-measure over thresholds."""
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from mtlw.registry import METRICS
from mtlw.structures import default_kind, task_fields
from ..functional.saliency_f import THRESHOLDS, max_f_measure, precision_recall
from .per_image_depth_metric import sample_field


@METRICS.register_module()
class SaliencyMetric(BaseMetric):
    """Max F-measure of a saliency map (Vandenhende et al.'s protocol).

    Per image and threshold precision and recall of ``p > t``, averaged
    over the images, ``maxF`` the best ``F_beta`` (in %) over the
    thresholds (:mod:`mtlw.evaluation.functional.saliency_f`).

    Args:
        task (str): Task name. Defaults to ``'sal'``.
        thresholds (Sequence[float]): Thresholds of the probability.
        beta_sq (float): ``beta^2`` of the F-measure; 0.3 in the saliency
            literature, 1.0 reproduces Vandenhende's numbers.
        logits (bool): The prediction holds logits (a sigmoid gives the
            probability); False when it already is a probability.
        ignore_index (int): Ground-truth label of unlabelled pixels.
        collect_device (str): Device to gather results across ranks.
        prefix (str, optional): Prefix of the metric names.
    """

    def __init__(self, task: str = 'sal',
                 thresholds: Sequence[float] = THRESHOLDS,
                 beta_sq: float = 0.3, logits: bool = True,
                 ignore_index: int = 255, collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.gt_field, self.pred_field = task_fields(task, default_kind(task))
        if not thresholds:
            raise ValueError('SaliencyMetric thresholds must not be empty')
        if not all(0 <= t <= 1 for t in thresholds):
            raise ValueError(f'SaliencyMetric thresholds must lie in [0, 1], '
                             f'got {list(thresholds)}')
        if not beta_sq > 0:
            raise ValueError(f'SaliencyMetric beta_sq must be > 0, got '
                             f'{beta_sq!r}')
        self.thresholds = [float(t) for t in thresholds]
        self.beta_sq = float(beta_sq)
        self.logits = logits
        self.ignore_index = ignore_index

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        """Keep every image's precision and recall per threshold."""
        for data_sample in data_samples:
            pred = sample_field(data_sample, self.pred_field).float()
            if self.logits:
                pred = pred.sigmoid()
            gt = sample_field(data_sample, self.gt_field)
            self.results.append(precision_recall(
                pred.reshape(gt.shape[-2:]).cpu().numpy(),
                gt.reshape(gt.shape[-2:]).cpu().numpy(), self.thresholds,
                self.ignore_index))

    def compute_metrics(self, results: List[np.ndarray]) -> Dict[str, float]:
        """``maxF`` of the image-averaged precision and recall."""
        precision, recall = np.mean(results, axis=0)
        return dict(maxF=100.0 * max_f_measure(precision, recall,
                                               self.beta_sq))
