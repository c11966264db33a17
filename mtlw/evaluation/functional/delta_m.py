"""Multi-task performance Delta_m (Maninis et al., CVPR 2019) and the
direction of every metric mtlw reports.

``Delta_m = (1/T) sum_t Delta_t`` over the tasks ``t``, with
``Delta_t = (1/N_t) sum_n (-1)^l_n (M_n - B_n) / B_n x 100%`` over the
task's metrics ``n``; ``B_n`` is the single-task baseline and ``l_n = 1``
when lower is better. Two conventions:

- ``'one_per_task'`` (Vandenhende et al. 2021): one metric per task
  (``N_t = 1``);
- ``'task_mean'`` (LibMTL): every listed metric of a task, averaged within
  the task first.

There is no default baseline: the baseline values must be given.
"""
import json
import os.path as osp
from typing import Dict, Iterable, Mapping, Optional, Sequence

from .depth_errors import DEPTH_METRICS, HIGHER_IS_BETTER
from .normal_errors import NORMAL_METRICS

CONVENTIONS = ('one_per_task', 'task_mean')
_HIGHER = set(HIGHER_IS_BETTER) | {
    name for name in NORMAL_METRICS if name.startswith('within_')} | {
        'aAcc', 'mIoU', 'mAcc', 'mDice', 'mFscore', 'mPrecision', 'mRecall',
        'delta_m', 'maxF', 'odsF', 'odsP', 'odsR'}
_LOWER = (set(DEPTH_METRICS) - set(HIGHER_IS_BETTER)) | {
    name for name in NORMAL_METRICS if name.startswith('angle_')} | {
        'error', 'abs_err', 'rel_err'}


def lower_is_better(metric: str) -> bool:
    """Whether a smaller value of ``metric`` is better.

    Decided by the last component of the name (``'depth/rmse'`` ->
    ``'rmse'``).

    Raises:
        KeyError: For a metric of unknown direction.
    """
    name = metric.rsplit('/', 1)[-1]
    if name in _LOWER:
        return True
    if name in _HIGHER:
        return False
    raise KeyError(f'unknown direction of the metric {metric!r}: known lower-'
                   f'is-better {sorted(_LOWER)}, higher-is-better '
                   f'{sorted(_HIGHER)}')


def delta_m(results: Mapping[str, float], baseline: Mapping[str, float],
            task_metrics: Mapping[str, Sequence[str]],
            convention: str = 'task_mean',
            lower: Optional[Iterable[str]] = None) -> float:
    """Delta_m of ``results`` against ``baseline``, in percent.

    Args:
        results (Mapping[str, float]): The multi-task model's metrics.
        baseline (Mapping[str, float]): The single-task baselines' metrics,
            same keys.
        task_metrics (Mapping[str, Sequence[str]]): Task -> its metric keys.
        convention (str): One of :data:`CONVENTIONS`.
        lower (Iterable[str], optional): Metric keys where lower is better;
            by default :func:`lower_is_better` decides.

    Returns:
        float: Delta_m in percent; positive means better than the baselines.
    """
    if convention not in CONVENTIONS:
        raise ValueError(f'Delta_m convention must be one of {CONVENTIONS}, '
                         f'got {convention!r}')
    if not task_metrics:
        raise ValueError('Delta_m needs at least one task')
    lower = set(lower) if lower is not None else None
    gains = []
    for task, metrics in task_metrics.items():
        if not metrics or (convention == 'one_per_task' and len(metrics) != 1):
            raise ValueError(
                f'Delta_m ({convention}): task {task!r} lists {list(metrics)};'
                " 'one_per_task' needs exactly one metric per task, "
                "'task_mean' at least one")
        task_gains = []
        for metric in metrics:
            for source, values in (('results', results),
                                   ('baseline', baseline)):
                if metric not in values:
                    raise KeyError(f'Delta_m: {source} have no {metric!r}; '
                                   f'they hold {sorted(values)}')
            base = float(baseline[metric])
            if base == 0:
                raise ValueError(f'Delta_m: the baseline of {metric!r} is 0')
            is_lower = (metric in lower) if lower is not None \
                else lower_is_better(metric)
            sign = -1.0 if is_lower else 1.0
            task_gains.append(sign * (float(results[metric]) - base) / base)
        gains.append(sum(task_gains) / len(task_gains))
    return 100.0 * sum(gains) / len(gains)


def load_baseline(path: str) -> Dict[str, float]:
    """Single-task baseline metrics from a JSON file ``{metric: value}``."""
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'Delta_m baseline file {path} does not exist; it is a JSON '
            'object of the single-task metrics, e.g. {"depth/rmse": 0.61}')
    with open(path) as file:
        values = json.load(file)
    if not isinstance(values, dict) or not all(
            isinstance(v, (int, float)) for v in values.values()):
        raise ValueError(f'Delta_m baseline file {path} must hold one JSON '
                         'object of metric name -> number')
    return {key: float(value) for key, value in values.items()}
