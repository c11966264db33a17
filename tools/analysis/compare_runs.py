"""Compare repeated runs of several weighting methods (LSB supplement
Table S-3 and Fig. S-2).

Usage::

    python tools/analysis/compare_runs.py ROOT/equal/seed0 ROOT/equal/seed1 \\
        ROOT/lsb/seed0 ROOT/lsb/seed1 --out-dir ROOT

A run is a work dir of ``tools/train.py``; its method is the name of the
folder that holds it (``tools/study.py`` lays runs out as
``ROOT/<method>/seed<k>``). Its final metrics are the newest evaluation it
logged: the test results (``<time>/<time>.json`` of ``tools/test.py``) or
else the last validation record of ``<time>/vis_data/scalars.json``. A
resumed run has one ``<time>`` folder per launch: they are merged in
iteration order, the later launch replacing what an earlier one logged
after the checkpoint it resumed from. Runs that stopped at different
iterations are refused unless ``--allow-unfinished``.

Writes to ``--out-dir``:

- ``table_s3.md``: every run's metrics with their rank among all runs (1 =
  best, ties share the mean rank), each run's min / max / average rank and
  its method's average over runs; then each method's metrics averaged over
  its runs, ranked among the methods;
- ``runs.csv`` and ``methods.csv``: the same two tables;
- ``trends.png``: per method (mean over its runs), the weight of every task
  and its weighted loss scale ``sum_i w_i L_i`` over training, from the
  ``weight/<loss key>`` and ``<loss key>`` values of the training log. A
  task's loss keys are those starting with ``<task>.``; its weight is
  ``sum_i w_i L_i / sum_i L_i`` (the common weight when its terms share
  one).

Ranks are taken on values rounded to ``--digits`` significant digits, the
precision the tables show.
"""
import argparse
import csv
import os
import os.path as osp
import statistics
from collections import OrderedDict
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from mtlw.evaluation.functional.delta_m import lower_is_better  # noqa: E402
from mtlw.utils.run_logs import WEIGHT_PREFIX, read_run  # noqa: E402

#: Keys of logged records that are never metrics.
NOT_METRICS = {'step', 'iter', 'epoch', 'lr', 'base_lr', 'time', 'data_time',
               'memory', 'loss'}
#: Table S-3's metrics for the NYUv2 / SynthScenes depth-normal-seg tasks.
DEFAULT_METRICS = ('depth/delta1', 'depth/rmse', 'normal/within_30',
                   'normal/angle_mean', 'seg/mIoU', 'seg/aAcc')


class Run(NamedTuple):
    """One training run."""

    method: str
    name: str
    metrics: Dict[str, float]
    records: List[dict]  # training records of the scalars log
    last_iteration: int  # highest iteration logged or checkpointed


def load_run(work_dir: str) -> Run:
    """Read a run's training records and final metrics.

    Every launch of a resumed run is read (:func:`mtlw.utils.read_run`);
    the final metrics are those of the newest evaluation.

    Args:
        work_dir (str): Work dir of ``tools/train.py``.

    Returns:
        Run: Method (parent folder name), run name (folder name), final
        metrics and training records.
    """
    work_dir = osp.normpath(work_dir)
    log = read_run(work_dir)
    final = log.final_metrics
    if final is None:
        raise FileNotFoundError(
            f'{work_dir} holds no evaluation: expected a validation record '
            'in <time>/vis_data/scalars.json or <time>/<time>.json of '
            'tools/test.py')
    metrics = {key: float(value) for key, value in final.items()
               if key not in NOT_METRICS and isinstance(value, (int, float))}
    return Run(osp.basename(osp.dirname(work_dir)), osp.basename(work_dir),
               metrics, log.training, log.last_iteration)


def check_same_length(runs: Sequence[Run]) -> None:
    """Refuse runs that stopped at different iterations.

    A run killed halfway would otherwise be ranked on an early metric.

    Raises:
        ValueError: Naming every run and the iteration it reached.
    """
    reached = {f'{run.method}/{run.name}': run.last_iteration for run in runs}
    if len(set(reached.values())) > 1:
        listed = ', '.join(f'{name} at {it}' for name, it in reached.items())
        raise ValueError(
            f'the runs stopped at different iterations ({listed}): an '
            'unfinished run would be ranked on an early metric; finish it '
            '(tools/study.py resumes unfinished runs) or pass '
            '--allow-unfinished')


def rank(values: Sequence[float], lower: bool) -> List[float]:
    """Competition ranks (1 = best); tied values share their mean rank."""
    order = sorted(range(len(values)),
                   key=lambda i: values[i] if lower else -values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        stop = start
        while stop + 1 < len(order) and \
                values[order[stop + 1]] == values[order[start]]:
            stop += 1
        for position in range(start, stop + 1):
            ranks[order[position]] = (start + stop) / 2 + 1
        start = stop + 1
    return ranks


def rounded(value: float, digits: int) -> float:
    """``value`` at ``digits`` significant digits."""
    return float(f'{value:.{digits}g}')


def rank_rows(rows: List[Dict[str, float]], metrics: Sequence[str],
              digits: int) -> List[Dict[str, float]]:
    """Per-row ranks of every metric and the rows' min / max / avg rank."""
    ranked = [dict() for _ in rows]
    for metric in metrics:
        values = [rounded(row[metric], digits) for row in rows]
        for out, value in zip(ranked, rank(values, lower_is_better(metric))):
            out[metric] = value
    for out in ranked:
        per_metric = [out[metric] for metric in metrics]
        out.update(min=min(per_metric), max=max(per_metric),
                   avg=statistics.mean(per_metric))
    return ranked


def build_tables(runs: List[Run], metrics: Sequence[str], digits: int = 4
                 ) -> Tuple[List[dict], List[dict]]:
    """Rows of the run table and of the method table.

    Returns:
        tuple[list[dict], list[dict]]: Run rows (``method``, ``run``,
        ``values``, ``ranks``, ``method_avg``) and method rows (``method``,
        ``values`` averaged over its runs, ``ranks`` among the methods).
    """
    for run in runs:
        missing = [metric for metric in metrics if metric not in run.metrics]
        if missing:
            raise KeyError(f'run {run.method}/{run.name} has no {missing}; it '
                           f'logged {sorted(run.metrics)}')
    values = [{m: run.metrics[m] for m in metrics} for run in runs]
    run_rows = [dict(method=run.method, run=run.name, values=row, ranks=ranks)
                for run, row, ranks in zip(runs, values,
                                           rank_rows(values, metrics, digits))]
    methods = list(OrderedDict.fromkeys(run.method for run in runs))
    means = []
    for method in methods:
        rows = [row for row in run_rows if row['method'] == method]
        method_avg = statistics.mean(row['ranks']['avg'] for row in rows)
        for row in rows:
            row['method_avg'] = method_avg
        means.append({m: statistics.mean(row['values'][m] for row in rows)
                      for m in metrics})
    method_rows = [dict(method=method, values=row, ranks=ranks)
                   for method, row, ranks in zip(
                       methods, means, rank_rows(means, metrics, digits))]
    return run_rows, method_rows


def _cell(value: float, rank_value: float, digits: int) -> str:
    return f'{rounded(value, digits):g} ({rank_value:g})'


def to_markdown(run_rows: List[dict], method_rows: List[dict],
                metrics: Sequence[str], digits: int = 4) -> str:
    """Both tables as Markdown; each method's average rank is bold at the
    method's best run (the lowest average rank of the column)."""
    head = ' | '.join(metrics)
    lines = [f'| Method | Run | {head} | Min | Max | Avg. | Method avg. |',
             '|' + '---|' * (len(metrics) + 6)]
    best = min(row['method_avg'] for row in run_rows)
    shown = set()
    for row in run_rows:
        cells = [_cell(row['values'][m], row['ranks'][m], digits)
                 for m in metrics]
        method_avg = ''
        if row['method'] not in shown:
            shown.add(row['method'])
            method_avg = f'{row["method_avg"]:.2f}'
            if row['method_avg'] == best:
                method_avg = f'**{method_avg}**'
        ranks = row['ranks']
        lines.append(f'| {row["method"]} | {row["run"]} | ' +
                     ' | '.join(cells) + f' | {ranks["min"]:g} | '
                     f'{ranks["max"]:g} | {ranks["avg"]:.2f} | {method_avg} |')
    lines += ['', 'Average over the runs of each method:', '',
              f'| Method | {head} | Min | Max | Avg. |',
              '|' + '---|' * (len(metrics) + 4)]
    for row in method_rows:
        cells = [_cell(row['values'][m], row['ranks'][m], digits)
                 for m in metrics]
        ranks = row['ranks']
        lines.append(f'| {row["method"]} | ' + ' | '.join(cells) +
                     f' | {ranks["min"]:g} | {ranks["max"]:g} | '
                     f'{ranks["avg"]:.2f} |')
    return '\n'.join(lines) + '\n'


def write_csv(path: str, rows: List[dict], metrics: Sequence[str],
              keys: Sequence[str]) -> None:
    """One CSV row per table row: ``keys``, each metric and its rank, then
    the min / max / average rank (and the method's average when present)."""
    extra = ['method_avg'] if rows and 'method_avg' in rows[0] else []
    header = list(keys) + [f'{m}{suffix}' for m in metrics
                           for suffix in ('', ' rank')] + [
                               'min rank', 'max rank', 'avg rank'] + extra
    with open(path, 'w', newline='') as file:
        writer = csv.writer(file)
        writer.writerow(header)
        for row in rows:
            cells = [row[key] for key in keys]
            for metric in metrics:
                cells += [row['values'][metric], row['ranks'][metric]]
            cells += [row['ranks'][k] for k in ('min', 'max', 'avg')]
            cells += [row[k] for k in extra]
            writer.writerow(cells)


def task_trends(records: List[dict]
                ) -> Dict[str, Tuple[List[int], List[float], List[float]]]:
    """Per task, the iterations, weights and weighted loss scales logged.

    Args:
        records (list[dict]): Training records with ``weight/<key>`` and
            ``<key>`` values.

    Returns:
        dict: ``{task: (iters, weights, scales)}`` with
        ``scale = sum_i w_i L_i`` and ``weight = scale / sum_i L_i`` over the
        task's loss keys ``<task>.*``.
    """
    trends: Dict[str, Tuple[List[int], List[float], List[float]]] = {}
    for record in records:
        sums: Dict[str, List[float]] = {}
        for key, weight in record.items():
            name = key[len(WEIGHT_PREFIX):]
            if not key.startswith(WEIGHT_PREFIX) or name not in record:
                continue
            scale_loss = sums.setdefault(name.split('.')[0], [0.0, 0.0])
            scale_loss[0] += weight * record[name]
            scale_loss[1] += record[name]
        for task, (scale, loss) in sums.items():
            iters, weights, scales = trends.setdefault(task, ([], [], []))
            iters.append(record.get('iter', record.get('step')))
            weights.append(scale / loss if loss else float('nan'))
            scales.append(scale)
    return trends


def mean_trends(runs: List[Run]
                ) -> Dict[str, Tuple[List[int], np.ndarray, np.ndarray]]:
    """:func:`task_trends` averaged over runs at their common iterations."""
    per_run = [task_trends(run.records) for run in runs]
    tasks = [task for task in per_run[0] if all(task in t for t in per_run)]
    result = {}
    for task in tasks:
        common = sorted(set.intersection(*(set(t[task][0]) for t in per_run)))
        stacked = []
        for trends in per_run:
            iters, weights, scales = trends[task]
            index = {it: i for i, it in enumerate(iters)}
            stacked.append([[weights[index[it]] for it in common],
                            [scales[index[it]] for it in common]])
        mean = np.mean(np.array(stacked, dtype=float), axis=0)
        result[task] = (common, mean[0], mean[1])
    return result


def plot_trends(runs: List[Run], out: str) -> str:
    """Weights (top) and weighted loss scales (bottom) per method."""
    methods = list(OrderedDict.fromkeys(run.method for run in runs))
    fig, axes = plt.subplots(2, len(methods), squeeze=False, sharex=True,
                             figsize=(3.2 * len(methods) + 1, 5.5))
    for column, method in enumerate(methods):
        trends = mean_trends([run for run in runs if run.method == method])
        if not trends:
            raise ValueError(f'the runs of {method} logged no weight/<loss '
                             'key>: was WeightLoggerHook enabled?')
        top, bottom = axes[0][column], axes[1][column]
        for task, (iters, weights, scales) in trends.items():
            top.plot(iters, weights, label=task)
            bottom.plot(iters, scales, label=task)
        top.set_title(method)
        bottom.set_xlabel('iteration')
    axes[0][0].set_ylabel('task weight')
    axes[1][0].set_ylabel('weighted loss scale')
    axes[0][0].legend(fontsize='small')
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out


def compare(work_dirs: Sequence[str], out_dir: str,
            metrics: Optional[Sequence[str]] = None, digits: int = 4,
            plot: bool = True, allow_unfinished: bool = False
            ) -> Dict[str, str]:
    """Write the tables (and the plot) of ``work_dirs`` into ``out_dir``.

    Unless ``allow_unfinished``, all runs must have reached the same
    iteration (:func:`check_same_length`).

    Returns:
        dict[str, str]: What was written, by kind.
    """
    runs = [load_run(work_dir) for work_dir in work_dirs]
    if not runs:
        raise ValueError('no run to compare')
    if not allow_unfinished:
        check_same_length(runs)
    metrics = list(metrics or DEFAULT_METRICS)
    for metric in metrics:
        lower_is_better(metric)  # fails early on an unknown direction
    run_rows, method_rows = build_tables(runs, metrics, digits)
    os.makedirs(out_dir, exist_ok=True)
    written = dict(markdown=osp.join(out_dir, 'table_s3.md'),
                   runs_csv=osp.join(out_dir, 'runs.csv'),
                   methods_csv=osp.join(out_dir, 'methods.csv'))
    with open(written['markdown'], 'w') as file:
        file.write(to_markdown(run_rows, method_rows, metrics, digits))
    write_csv(written['runs_csv'], run_rows, metrics, ('method', 'run'))
    write_csv(written['methods_csv'], method_rows, metrics, ('method', ))
    if plot:
        written['plot'] = plot_trends(runs, osp.join(out_dir, 'trends.png'))
    return written


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dirs', nargs='+',
                        help='run folders; the parent folder names the method')
    parser.add_argument('--out-dir', required=True, help='output folder')
    parser.add_argument('--metrics', nargs='+',
                        help=f'metrics to rank (default {DEFAULT_METRICS})')
    parser.add_argument('--digits', type=int, default=4,
                        help='significant digits shown and ranked')
    parser.add_argument('--no-plot', action='store_true',
                        help='skip trends.png')
    parser.add_argument('--allow-unfinished', action='store_true',
                        help='rank runs that stopped at different iterations')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    written = compare(args.work_dirs, args.out_dir, args.metrics, args.digits,
                      plot=not args.no_plot,
                      allow_unfinished=args.allow_unfinished)
    for path in written.values():
        print(f'wrote {path}')


if __name__ == '__main__':
    main()
