"""Reading what a training run logged, over all its launches.

MMEngine gives every launch of ``tools/train.py`` / ``tools/test.py`` its
own timestamped folder ``<work_dir>/<YYYYmmdd_HHMMSS>/``: the text log
``<time>.log``, the scalars ``vis_data/scalars.json`` (one JSON record per
logged training step or evaluation) and, for ``tools/test.py``, the test
metrics ``<time>.json``. A run that was resumed (``--resume``) therefore has
several scalars files, and the later launch re-logs the iterations after
the checkpoint it resumed from. :func:`read_run` merges them into one
history in iteration order: a launch that resumed from iteration ``c``
replaces every record of the earlier launches after ``c``; a launch that
trained from scratch replaces everything before it.
"""
import glob
import json
import os.path as osp
import re
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

WEIGHT_PREFIX = 'weight/'
#: Line MMEngine's runner logs after loading a checkpoint with ``resume``.
RESUMED = re.compile(r'resumed epoch: (\d+), iter: (\d+)')
#: Checkpoint names of MMEngine's CheckpointHook.
CHECKPOINT = re.compile(r'(iter|epoch)_(\d+)\.pth$')


class RunLogError(ValueError):
    """A log file of a run that cannot be read (truncated or corrupt)."""


class Launch(NamedTuple):
    """One launch of a run: its folder and what it logged."""

    folder: str
    records: List[dict]  # scalars records in file order
    resumed_from: Optional[int]  # iteration of the checkpoint it resumed
    test_metrics: Optional[dict]  # <time>.json of tools/test.py


class RunLog(NamedTuple):
    """The merged history of a run."""

    work_dir: str
    training: List[dict]  # training records, in iteration order
    evaluations: List[dict]  # validation records, in iteration order
    test_metrics: Optional[dict]  # test results newer than any training
    checkpoint: Optional[Tuple[str, int]]  # ('iter' | 'epoch', number)

    @property
    def last_iteration(self) -> int:
        """The highest iteration the run logged or checkpointed (0: none).

        Validation records count with their ``step``, the iteration when the
        logger has ``log_metric_by_epoch=False`` (every mtlw config).
        """
        steps = [iteration(record) for record in self.training]
        steps += [record.get('step', 0) for record in self.evaluations]
        if self.checkpoint and self.checkpoint[0] == 'iter':
            steps.append(self.checkpoint[1])
        return max(steps, default=0)

    @property
    def epochs_evaluated(self) -> int:
        """The epoch of the last training record before the last validation
        (epoch loops validate at epoch ends); 0 when none."""
        if not self.evaluations:
            return 0
        last_eval = self.evaluations[-1].get('step', 0)
        return max((record['epoch'] for record in self.training
                    if 'epoch' in record and iteration(record) <= last_eval),
                   default=0)

    @property
    def epochs_done(self) -> int:
        """Completed epochs: the checkpointed or the validated epoch."""
        done = self.epochs_evaluated
        if self.checkpoint and self.checkpoint[0] == 'epoch':
            done = max(done, self.checkpoint[1])
        return done

    @property
    def final_metrics(self) -> Optional[dict]:
        """The test results, or else the last validation record."""
        if self.test_metrics is not None:
            return self.test_metrics
        return self.evaluations[-1] if self.evaluations else None


def completion(log: RunLog, unit: str, total: int) -> str:
    """How far a run got towards the end of its schedule.

    Args:
        log (RunLog): Output of :func:`read_run`.
        unit (str): ``'iter'`` (``IterBasedTrainLoop``) or ``'epoch'``.
        total (int): ``max_iters`` or ``max_epochs`` of its config.

    Returns:
        str: ``'finished'`` (trained to ``total`` and evaluated there or
        tested afterwards), ``'unevaluated'`` (trained to ``total``, the
        final validation missing) or ``'unfinished'``.
    """
    if unit == 'iter':
        trained = log.last_iteration >= total
        evaluated = any(record.get('step', 0) >= total
                        for record in log.evaluations)
    elif unit == 'epoch':
        trained = log.epochs_done >= total
        evaluated = log.epochs_evaluated >= total
    else:
        raise ValueError(f"unit must be 'iter' or 'epoch', got {unit!r}")
    if not trained:
        return 'unfinished'
    if evaluated or log.test_metrics is not None:
        return 'finished'
    return 'unevaluated'


def is_training(record: dict) -> bool:
    """Whether a scalars record was logged by a training step."""
    return 'lr' in record or 'loss' in record


def iteration(record: dict) -> int:
    """The (1-based) iteration of a record: ``iter`` of a training record,
    ``step`` of an evaluation."""
    return record.get('iter', record.get('step', 0))


def launch_dirs(work_dir: str) -> List[str]:
    """The timestamped launch folders of a work dir, oldest first."""
    return sorted(path for path in glob.glob(osp.join(work_dir, '*'))
                  if osp.isdir(path) and osp.basename(path)[:8].isdigit())


def read_json_lines(path: str) -> List[dict]:
    """Records of a JSON-lines file; blank lines are skipped.

    Raises:
        RunLogError: A line is not a JSON object; the message names the file
            and the line.
    """
    records = []
    with open(path) as file:
        for number, line in enumerate(file, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise RunLogError(
                    f'{path}, line {number}: not a JSON record ({error.msg}); '
                    'the log is truncated or corrupt (a launch killed while '
                    'writing?): repair or delete that line') from None
            if not isinstance(record, dict):
                raise RunLogError(f'{path}, line {number}: expected a JSON '
                                  f'object, got {type(record).__name__}')
            records.append(record)
    return records


def resumed_iteration(folder: str) -> Optional[int]:
    """The iteration a launch resumed from, read from its text log."""
    log = osp.join(folder, osp.basename(folder) + '.log')
    if not osp.isfile(log):
        return None
    with open(log, errors='replace') as file:
        for line in file:
            match = RESUMED.search(line)
            if match:
                return int(match.group(2))
    return None


def read_launch(folder: str) -> Launch:
    """The scalars, resume point and test results of one launch folder."""
    scalars = osp.join(folder, 'vis_data', 'scalars.json')
    records = read_json_lines(scalars) if osp.isfile(scalars) else []
    test_json = osp.join(folder, osp.basename(folder) + '.json')
    test_metrics = None
    if osp.isfile(test_json):
        with open(test_json) as file:
            try:
                test_metrics = json.load(file)
            except json.JSONDecodeError as error:
                raise RunLogError(f'{test_json}: not a JSON record '
                                  f'({error.msg}); the test results are '
                                  'truncated or corrupt') from None
    return Launch(folder, records, resumed_iteration(folder), test_metrics)


def start_of(launch: Launch) -> Optional[int]:
    """The last iteration a launch takes over from earlier launches: the
    checkpoint it resumed from, else (its text log lost) the iteration before
    its first training record; None when it did not train."""
    if launch.resumed_from is not None:
        return launch.resumed_from
    first = next((iteration(r) for r in launch.records if is_training(r)),
                 None)
    return None if first is None else first - 1


def merge_launches(launches: Sequence[Launch]) -> List[dict]:
    """The scalars of successive launches as one history.

    Each launch that trained drops the records of the earlier launches after
    the iteration it started from, so the later launch wins where they
    overlap and the result is in iteration order without duplicates.

    Args:
        launches (Sequence[Launch]): Launches of one run, oldest first.

    Returns:
        list[dict]: The merged records.
    """
    merged: List[dict] = []
    for launch in launches:
        start = start_of(launch)
        if start is not None:
            merged = [record for record in merged
                      if iteration(record) <= start]
        merged += launch.records
    return merged


def last_checkpoint(work_dir: str) -> Optional[Tuple[str, int]]:
    """``('iter' | 'epoch', number)`` of the checkpoint named in
    ``<work_dir>/last_checkpoint``; None when there is none."""
    path = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(path):
        return None
    with open(path) as file:
        match = CHECKPOINT.search(file.read().strip())
    return (match.group(1), int(match.group(2))) if match else None


def read_run(work_dir: str) -> RunLog:
    """The merged history of every launch in a work dir.

    Args:
        work_dir (str): Work dir of ``tools/train.py``.

    Returns:
        RunLog: Training and validation records in iteration order, the
        newest test results when no training launch came after them, and the
        last checkpoint.

    Raises:
        FileNotFoundError: ``work_dir`` is not a folder.
        RunLogError: A log line is truncated or corrupt (names file, line).
    """
    if not osp.isdir(work_dir):
        raise FileNotFoundError(f'run folder {work_dir} does not exist')
    launches = [read_launch(folder) for folder in launch_dirs(work_dir)]
    test_metrics = None
    for launch in launches:
        if launch.test_metrics is not None:
            test_metrics = launch.test_metrics
        elif start_of(launch) is not None:
            test_metrics = None  # trained further: older tests are stale
    records = merge_launches(launches)
    return RunLog(work_dir, [r for r in records if is_training(r)],
                  [r for r in records if not is_training(r)], test_metrics,
                  last_checkpoint(work_dir))


def read_scalars(work_dir: str) -> List[dict]:
    """All records of a run (every launch merged) or of one scalars file.

    Args:
        work_dir (str): A work dir of ``tools/train.py`` or a
            ``scalars.json`` file.

    Returns:
        list[dict]: One dict per logged step, in iteration order.
    """
    if osp.isfile(work_dir):
        return read_json_lines(work_dir)
    if not glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')):
        raise FileNotFoundError(
            f'no */vis_data/scalars.json under {work_dir}: is it the work '
            'dir of a training run with the LocalVisBackend?')
    return merge_launches([read_launch(f) for f in launch_dirs(work_dir)])


def weight_series(records: List[dict]
                  ) -> Dict[str, Tuple[List[int], List[float], List[float]]]:
    """Per loss key: iterations, weights and weighted loss scales ``w * L``.

    Args:
        records (list[dict]): Output of :func:`read_scalars`.

    Returns:
        dict: ``{loss key: (iters, weights, scales)}``; a scale is NaN where
        the loss itself was not logged at that step.
    """
    series: Dict[str, Tuple[List[int], List[float], List[float]]] = {}
    for record in records:
        for key, weight in record.items():
            if not key.startswith(WEIGHT_PREFIX):
                continue
            name = key[len(WEIGHT_PREFIX):]
            iters, weights, scales = series.setdefault(name, ([], [], []))
            iters.append(record.get('iter', record.get('step', len(iters))))
            weights.append(weight)
            scales.append(weight * record.get(name, float('nan')))
    return series
