"""Boundary detection: optimal-dataset-scale F-measure."""
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from mtlw.registry import METRICS
from mtlw.structures import default_kind, task_fields
from ..functional.edge_matching import (COUNT_KEYS, MAX_DIST, edge_counts,
                                        ods_scores)
from .per_image_depth_metric import sample_field


@METRICS.register_module()
class EdgeODSMetric(BaseMetric):
    """ODS F-measure of boundary maps with the BSDS pixel matching.

    Every image's prediction is binarised at each of ``num_thresholds``
    thresholds evenly inside (0, 1), thinned, and its boundary pixels are
    matched one to one to the ground-truth ones within ``max_dist`` of the
    image diagonal (:mod:`mtlw.evaluation.functional.edge_matching`, which
    also lists where this differs from the MATLAB benchmark). Reports
    ``odsF``, ``odsP`` and ``odsR`` in %.

    PASCAL-Context uses ``max_dist=0.0075``; Vandenhende et al. evaluate
    NYUD with 0.011. Pixels labelled ``ignore_index`` in the ground truth
    count as non-boundary.

    Args:
        task (str): Task name. Defaults to ``'edge'``.
        num_thresholds (int): Number of thresholds (99 in the BSDS code).
        max_dist (float): Matching tolerance, fraction of the diagonal.
        thin (bool): Thin the binarised predictions.
        logits (bool): The prediction holds logits (a sigmoid gives the
            probability); False when it is a probability.
        ignore_index (int): Ground-truth label of unlabelled pixels.
        collect_device (str): Device to gather results across ranks.
        prefix (str, optional): Prefix of the metric names.
    """

    def __init__(self, task: str = 'edge', num_thresholds: int = 99,
                 max_dist: float = MAX_DIST, thin: bool = True,
                 logits: bool = True, ignore_index: int = 255,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.gt_field, self.pred_field = task_fields(task, default_kind(task))
        if isinstance(num_thresholds, bool) or not isinstance(
                num_thresholds, int) or num_thresholds < 1:
            raise ValueError(f'EdgeODSMetric num_thresholds must be an int '
                             f'>= 1, got {num_thresholds!r}')
        if not 0 < max_dist <= 1:
            raise ValueError(f'EdgeODSMetric max_dist must be in (0, 1] (a '
                             f'fraction of the diagonal), got {max_dist!r}')
        self.thresholds = np.linspace(0, 1, num_thresholds + 2)[1:-1]
        self.max_dist = float(max_dist)
        self.thin, self.logits = thin, logits
        self.ignore_index = ignore_index

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        """Keep every image's matching counts per threshold."""
        for data_sample in data_samples:
            pred = sample_field(data_sample, self.pred_field).float()
            if self.logits:
                pred = pred.sigmoid()
            gt = sample_field(data_sample, self.gt_field)
            gt = gt.reshape(gt.shape[-2:]).cpu().numpy()
            boundary = (gt > 0.5) & (gt != self.ignore_index)
            self.results.append(edge_counts(
                pred.reshape(gt.shape).cpu().numpy(), boundary,
                self.thresholds, self.max_dist, self.thin))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """ODS scores of the dataset-summed counts."""
        totals = {key: np.sum([item[key] for item in results], axis=0)
                  for key in COUNT_KEYS}
        scores = ods_scores(totals)
        return dict(odsF=100.0 * scores['odsF'],
                    odsP=100.0 * scores['odsP'],
                    odsR=100.0 * scores['odsR'])
