"""Multi-task metric with the multitask score of Argenziano and Pagani."""
from typing import Dict, List, Union

from mtlw.registry import METRICS
from ..functional.multitask_score import multitask_score
from .multitask_metric import MultiTaskMetric


@METRICS.register_module()
class MultiTaskScoreMetric(MultiTaskMetric):
    """:class:`MultiTaskMetric` plus ``multitask_score = max(mIoU - 50, 0)
    + max(50 - SILog, 0)`` (Argenziano and Pagani, 2022;
    :func:`multitask_score`) from two
    of the task metrics' results.

    Args:
        tasks (dict[str, dict | list[dict]]): Task -> metric config(s), as
            for :class:`MultiTaskMetric`.
        miou_key (str): Result holding the mean IoU in percent. Defaults
            to ``'seg/mIoU'`` (mmseg's ``IoUMetric`` under task ``seg``).
        silog_key (str): Result holding the SILog error. Defaults to
            ``'depth/silog'`` (``PerImageDepthMetric`` under task ``depth``).
        **kwargs: ``delta_m``, ``collect_device``, ``prefix``.
    """

    def __init__(self, tasks: Dict[str, Union[dict, List[dict]]],
                 miou_key: str = 'seg/mIoU', silog_key: str = 'depth/silog',
                 **kwargs) -> None:
        super().__init__(tasks, **kwargs)
        self.miou_key = miou_key
        self.silog_key = silog_key

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """The task metrics, ``delta_m`` if set, and ``multitask_score``."""
        merged = super().compute_metrics(results)
        missing = [key for key in (self.miou_key, self.silog_key)
                   if key not in merged]
        if missing:
            raise KeyError(f'MultiTaskScoreMetric needs {missing} among the '
                           f'task metrics, got {sorted(merged)}')
        merged['multitask_score'] = multitask_score(
            float(merged[self.miou_key]), float(merged[self.silog_key]))
        return merged
