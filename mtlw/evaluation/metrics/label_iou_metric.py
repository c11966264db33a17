"""mIoU and pixel accuracy of any task's label map."""
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from mtlw.registry import METRICS
from mtlw.structures import default_kind, task_fields
from ..functional.label_confusion import confusion_matrix, iou_scores
from .per_image_depth_metric import sample_field


@METRICS.register_module()
class LabelIoUMetric(BaseMetric):
    """mIoU and pixel accuracy (%) of a task's label map over a dataset.

    For segmentation tasks other than the model's ``seg`` task (human
    parts of PASCAL-Context, a second label map): it reads the task's
    fields (:func:`~mtlw.structures.task_fields`), takes the argmax of a
    multi-channel prediction (the raw logits a ``dense`` task writes) and
    scores one confusion matrix summed over the dataset
    (:mod:`mtlw.evaluation.functional.label_confusion`). Reports ``mIoU``
    and ``aAcc``.

    Args:
        task (str): Task name.
        num_classes (int): Number of classes.
        kind (str, optional): Task kind; defaults as in ``DenseTask``.
        ignore_index (int): Ground-truth label of unlabelled pixels.
        collect_device (str): Device to gather results across ranks.
        prefix (str, optional): Prefix of the metric names.
    """

    def __init__(self, task: str, num_classes: int,
                 kind: Optional[str] = None, ignore_index: int = 255,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not isinstance(num_classes, int) or num_classes < 2:
            raise ValueError(f'LabelIoUMetric num_classes must be an int >= '
                             f'2, got {num_classes!r}')
        self.gt_field, self.pred_field = task_fields(
            task, kind or default_kind(task))
        self.num_classes = num_classes
        self.ignore_index = ignore_index

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        """Keep every image's confusion matrix."""
        for data_sample in data_samples:
            pred = sample_field(data_sample, self.pred_field)
            gt = sample_field(data_sample, self.gt_field)
            if pred.dim() == 3 and pred.shape[0] > 1:
                pred = pred.argmax(0)
            self.results.append(confusion_matrix(
                pred.reshape(gt.shape[-2:]).cpu().numpy(),
                gt.reshape(gt.shape[-2:]).cpu().numpy(), self.num_classes,
                self.ignore_index))

    def compute_metrics(self, results: List[np.ndarray]) -> Dict[str, float]:
        """Scores of the summed confusion matrix."""
        return iou_scores(np.sum(results, axis=0))
