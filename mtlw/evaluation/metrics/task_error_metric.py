"""A task's loss term, without its regularisers, as an error metric."""
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from mtlw.registry import METRICS, MODELS
from mtlw.structures import default_kind, task_fields
from .per_image_depth_metric import sample_field


@METRICS.register_module()
class TaskErrorMetric(BaseMetric):
    """Mean over images of one term of a task's loss, times a scale.

    The Taskonomy errors of Lee, Lee, Kim (ICCV 2021, supplement section 2)
    are the training losses without their regularisers, e.g.
    ``DepthLogL1Loss``'s ``loss_log_l1`` for depth and ``L1StdLoss``'s
    ``loss_l1`` for the other maps, multiplied by 10 for 2D edges and by 100
    for 3D edges and 2D keypoints. They are computed per image on the
    written predictions (``pred_<...>`` fields: normals at unit length,
    clamped maps where the task has a ``value_range``) and averaged over
    the images. Reported as ``error``.

    Args:
        task (str): Task name; with ``kind`` it decides the fields read
            (:func:`~mtlw.structures.task_fields`).
        loss (dict): Config of the task's loss.
        term (str): The loss term reported, e.g. ``'loss_l1'``.
        scale (float): Factor applied to the term. Defaults to 1.
        kind (str, optional): Task kind; defaults as in ``DenseTask``.
            Regression kinds only (not ``'seg'``).
        collect_device (str): Device to gather results across ranks.
        prefix (str, optional): Prefix of the metric names.
    """

    def __init__(self, task: str, loss: dict, term: str, scale: float = 1.0,
                 kind: Optional[str] = None, collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        kind = kind or default_kind(task)
        if kind == 'seg':
            raise ValueError(f'TaskErrorMetric scores regression maps; task '
                             f'{task!r} is a segmentation task')
        self.gt_field, self.pred_field = task_fields(task, kind)
        self.loss = MODELS.build(loss)
        terms = getattr(self.loss, 'loss_names', None)
        if terms is not None and term not in terms:
            raise KeyError(f'{type(self.loss).__name__} has the terms '
                           f'{list(terms)}, not {term!r}')
        self.task, self.term, self.scale = task, term, float(scale)

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        """Keep the scaled loss term of every image."""
        for data_sample in data_samples:
            pred = sample_field(data_sample, self.pred_field).float()
            gt = sample_field(data_sample, self.gt_field).to(pred)
            value = self.loss(pred[None], gt[None])[self.term]
            self.results.append(self.scale * value.item())

    def compute_metrics(self, results: List[float]) -> Dict[str, float]:
        """Average over the images."""
        return dict(error=float(np.mean(results)))
