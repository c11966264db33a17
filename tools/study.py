"""Train a grid of configs x seeds, then compare the runs.

Usage::

    python tools/study.py configs/pixelwise/synthscenes_crossstitch_equal.py \\
        configs/pixelwise/synthscenes_crossstitch_lsb.py --seeds 0 1 \\
        --work-dir work_dirs/study [--cfg-options k=v ...] [--dry-run]

Each config is one method, named by its file name without the part all the
names share (``synthscenes_crossstitch_equal.py`` and
``synthscenes_crossstitch_lsb.py`` -> ``equal`` and ``lsb``), or by
``--names``. Run ``k`` of a method trains with
``randomness.seed=k`` into ``WORK_DIR/<method>/seed<k>`` through
``tools/train.py``, one run after another (``--cfg-options
randomness.seed=...`` is refused: it would give every run the same seed).

Running the study again picks up where it stopped: a run is finished only
when its merged logs (every launch of a resumed run) reach the config's
``max_iters`` / ``max_epochs`` and hold the evaluation made there; such
runs are skipped, unfinished ones are resumed (``--resume``, from the last
checkpoint, or from scratch when there is none), and one that trained to
the end but lost its final evaluation trains again. Then
``tools/analysis/compare_runs.py`` writes the table and the plot into
``WORK_DIR``.
"""
import argparse
import os.path as osp
import subprocess
import sys
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

from mmengine.config import Config, DictAction

from mtlw.utils.run_logs import completion, launch_dirs, read_run

TOOLS = osp.dirname(osp.abspath(__file__))
#: Config keys the study sets itself and refuses in ``--cfg-options``.
STUDY_KEYS = ('randomness', 'randomness.seed')


class Planned(NamedTuple):
    """What the study does with one run."""

    action: str  # 'start' | 'resume' | 'rerun' | 'done'
    command: List[str]  # training command (empty when done)
    reason: str


def method_names(configs: Sequence[str]) -> List[str]:
    """Config file names without their common prefix and suffix."""
    stems = [osp.splitext(osp.basename(config))[0] for config in configs]
    if len(stems) == 1:
        return stems
    prefix = osp.commonprefix(stems)
    suffix = osp.commonprefix([stem[::-1] for stem in stems])[::-1]
    names = [stem[len(prefix):len(stem) - len(suffix)] for stem in stems]
    if len(set(names)) != len(names) or not all(names):
        return stems
    return names


def check_cfg_options(cfg_options: Sequence[str]) -> None:
    """Refuse options that would override the seed the study sets.

    Raises:
        ValueError: An option sets ``randomness`` or ``randomness.seed``.
    """
    for option in cfg_options:
        key = option.split('=', 1)[0].strip()
        if key in STUDY_KEYS:
            raise ValueError(
                f'--cfg-options {option}: the study sets randomness.seed=<k> '
                'for each of --seeds itself; this option would give every '
                'run the same seed. Choose the seeds with --seeds.')


def schedule_length(config: str, cfg_options: Sequence[str] = ()
                    ) -> Tuple[str, int]:
    """``('iter', max_iters)`` or ``('epoch', max_epochs)`` of a config
    with ``cfg_options`` applied."""
    cfg = Config.fromfile(config)
    if cfg_options:
        parser = argparse.ArgumentParser()
        parser.add_argument('--cfg-options', nargs='+', action=DictAction)
        cfg.merge_from_dict(parser.parse_args(
            ['--cfg-options', *cfg_options]).cfg_options)
    train_cfg = cfg.get('train_cfg') or {}
    for unit in ('iter', 'epoch'):
        if train_cfg.get(f'max_{unit}s') is not None:
            return unit, int(train_cfg[f'max_{unit}s'])
    raise ValueError(f'{config}: train_cfg has neither max_iters nor '
                     'max_epochs; cannot tell when its runs are finished')


def run_action(run_dir: str, config: str, cfg_options: Sequence[str] = ()
               ) -> Tuple[str, str]:
    """What to do with one run folder, and why.

    Returns:
        tuple[str, str]: ``'start'`` (nothing there), ``'resume'`` (stopped
        before the end of its schedule), ``'rerun'`` (trained to the end,
        the final validation missing: resuming would not validate) or
        ``'done'``; and a reason for the log.
    """
    if not launch_dirs(run_dir) and not osp.isfile(
            osp.join(run_dir, 'last_checkpoint')):
        return 'start', 'no run yet'
    unit, total = schedule_length(config, cfg_options)
    log = read_run(run_dir)
    reached = log.last_iteration if unit == 'iter' else log.epochs_done
    state = completion(log, unit, total)
    if state == 'finished':
        return 'done', f'finished ({unit} {reached}/{total})'
    if state == 'unevaluated':
        return 'rerun', (f'trained to {unit} {total} without its final '
                         'evaluation; training again from scratch')
    return 'resume', f'stopped at {unit} {reached}/{total}; resuming'


def plan(configs: Sequence[str], seeds: Sequence[int], work_dir: str,
         names: Optional[Sequence[str]] = None,
         cfg_options: Sequence[str] = (), nice: int = 0
         ) -> Dict[str, Planned]:
    """What to do with every run, keyed by its work dir.

    A run is finished only when it reached its config's ``max_iters`` /
    ``max_epochs`` and was evaluated there; an unfinished one is resumed
    (``--resume``), one trained to the end without its final evaluation
    trains again.

    Args:
        configs (Sequence[str]): One config per method.
        seeds (Sequence[int]): Seeds; one run per method and seed.
        work_dir (str): Root of the study.
        names (Sequence[str], optional): Method names, one per config.
        cfg_options (Sequence[str]): ``key=value`` options for every run;
            ``randomness.seed`` is refused (the study sets it per run).
        nice (int): Run the trainings under ``nice -n``; 0 for none.

    Returns:
        dict[str, Planned]: Work dir -> action, command and reason.
    """
    check_cfg_options(cfg_options)
    names = list(names) if names else method_names(configs)
    if len(names) != len(configs) or len(set(names)) != len(names):
        raise ValueError(f'need one distinct name per config, got {names} '
                         f'for {len(configs)} configs')
    for config in configs:
        if not osp.isfile(config):
            raise FileNotFoundError(f'config file {config} does not exist')
    planned = {}
    for config, name in zip(configs, names):
        for seed in seeds:
            run_dir = osp.join(work_dir, name, f'seed{seed}')
            action, reason = run_action(run_dir, config, cfg_options)
            command = [sys.executable, osp.join(TOOLS, 'train.py'), config,
                       '--work-dir', run_dir, '--cfg-options',
                       f'randomness.seed={seed}', *cfg_options]
            if action == 'resume':
                command.insert(5, '--resume')
            if nice:
                command = ['nice', '-n', str(nice)] + command
            planned[run_dir] = Planned(action, [] if action == 'done' else
                                       command, reason)
    return planned


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('configs', nargs='+', help='one config per method')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1])
    parser.add_argument('--work-dir', required=True, help='study folder')
    parser.add_argument('--names', nargs='+', help='method names')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='key=value options passed to every run')
    parser.add_argument('--metrics', nargs='+',
                        help='metrics of the table (compare_runs default)')
    parser.add_argument('--nice', type=int, default=0,
                        help='niceness of the trainings')
    parser.add_argument('--dry-run', action='store_true',
                        help='print the commands only')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    try:
        planned = plan(args.configs, args.seeds, args.work_dir, args.names,
                       args.cfg_options, args.nice)
    except ValueError as error:
        sys.exit(f'study.py: {error}')
    for run_dir, (action, command, reason) in planned.items():
        print(f'{run_dir}: {reason}', flush=True)
        if command:
            print('  ' + ' '.join(command), flush=True)
        if command and not args.dry_run:
            subprocess.run(command, check=True)
    if not args.dry_run:
        # every run has finished its own schedule (checked above)
        compare = [sys.executable, osp.join(TOOLS, 'analysis',
                                            'compare_runs.py'),
                   *planned, '--out-dir', args.work_dir, '--allow-unfinished']
        if args.metrics:
            compare += ['--metrics', *args.metrics]
        subprocess.run(compare, check=True)


if __name__ == '__main__':
    main()
