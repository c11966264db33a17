"""One evaluator entry for all tasks of a multi-task model, with Delta_m."""
from typing import Any, Dict, List, Optional, Sequence, Union

from mmengine.evaluator import BaseMetric

from mtlw.registry import METRICS
from ..functional.delta_m import CONVENTIONS, delta_m, load_baseline


@METRICS.register_module()
class MultiTaskMetric(BaseMetric):
    """Runs one metric (or several) per task and adds Delta_m.

    Each task's metrics are ordinary metrics (``PerImageDepthMetric``,
    ``NormalMetric``, mmseg's ``IoUMetric``, ``TaskErrorMetric``, ...) whose
    ``prefix`` defaults to the task name, so results read ``depth/rmse``,
    ``normal/angle_mean``, ``seg/mIoU``. With ``delta_m``, the multi-task
    performance against single-task baselines
    (:func:`mtlw.evaluation.functional.delta_m.delta_m`) is added as
    ``delta_m`` (in %):

    .. code-block:: python

        delta_m=dict(
            baseline='single_task.json',     # {"depth/rmse": 0.61, ...}
            task_metrics=dict(depth=['depth/rmse'],
                              normal=['normal/angle_mean'],
                              seg=['seg/mIoU']),
            convention='one_per_task')       # or 'task_mean'

    The baseline file is required (there is no default baseline) and read
    when the metric is built, so a wrong path fails before training.

    The argument is ``tasks``, not ``metrics``: mmengine's runner takes an
    evaluator config with a ``metrics`` key for an ``Evaluator``.

    Args:
        tasks (dict[str, dict | list[dict]]): Task -> metric config(s).
        delta_m (dict, optional): ``baseline`` (path of a JSON file),
            ``task_metrics`` and ``convention`` (default ``'task_mean'``).
        collect_device (str): Device to gather results across ranks.
        prefix (str, optional): Unused; the tasks' metrics carry theirs.
    """

    default_prefix: Optional[str] = ''  # the task metrics carry prefixes

    def __init__(self, tasks: Dict[str, Union[dict, List[dict]]],
                 delta_m: Optional[dict] = None, collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not tasks:
            raise ValueError('MultiTaskMetric needs at least one task metric')
        self.metrics: List[BaseMetric] = []
        for task, configs in tasks.items():
            for config in configs if isinstance(configs, list) else [configs]:
                config = dict(config)
                config.setdefault('prefix', task)
                config.setdefault('collect_device', collect_device)
                self.metrics.append(METRICS.build(config))
        self.delta_m = None
        if delta_m is not None:
            self.delta_m = self._check_delta_m(dict(delta_m))

    @staticmethod
    def _check_delta_m(config: dict) -> dict:
        unknown = set(config) - {'baseline', 'task_metrics', 'convention'}
        if unknown:
            raise KeyError(f'delta_m got unknown keys {sorted(unknown)}')
        if not config.get('baseline'):
            raise ValueError(
                'delta_m needs baseline=<JSON file of the single-task '
                'metrics>; there is no default baseline')
        if not config.get('task_metrics'):
            raise ValueError('delta_m needs task_metrics=dict(<task>=[metric '
                             'keys]) naming the metrics compared')
        convention = config.setdefault('convention', 'task_mean')
        if convention not in CONVENTIONS:
            raise ValueError(f'delta_m convention must be one of '
                             f'{CONVENTIONS}, got {convention!r}')
        config['baseline'] = load_baseline(config['baseline'])
        return config

    @property
    def dataset_meta(self) -> Optional[dict]:
        """Meta information of the dataset, shared with the task metrics."""
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, dataset_meta: dict) -> None:
        self._dataset_meta = dataset_meta
        for metric in self.metrics:
            metric.dataset_meta = dataset_meta

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        """Hand the batch to every task metric."""
        for metric in self.metrics:
            metric.process(data_batch, data_samples)

    def evaluate(self, size: int) -> dict:
        """Evaluate every task metric, then add Delta_m."""
        merged = {}
        for metric in self.metrics:
            values = metric.evaluate(size)
            repeated = sorted(set(values) & set(merged))
            if repeated:
                raise KeyError(f'MultiTaskMetric: metrics {repeated} are '
                               'reported twice; give the metrics of one task '
                               'different prefixes')
            merged.update(values)
        return self.compute_metrics([merged])

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """The merged task metrics (one dict) with ``delta_m`` added."""
        merged = dict(results[0])
        if self.delta_m is not None:
            merged['delta_m'] = delta_m(
                merged, self.delta_m['baseline'],
                self.delta_m['task_metrics'], self.delta_m['convention'])
        return merged
