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

Sweeps: ``--grid key=v1,v2,...`` (repeatable) runs every config at every
point of the cartesian product of the values; a point is a method named by
its values (``--grid optim_wrapper.optimizer.lr=1e-3,1e-4 --grid
train_dataloader.batch_size=2,4`` -> ``lr-1e-3_batch_size-2``, ...; with
several configs ``<config name>_<point>``), so the names, and the run
folders, stay the same when the study is run again. Commas inside brackets
belong to a value (``--grid model.weighter.priorities=[0.3,0.7],[0.5,0.5]``).
``{work_dir}`` in a ``--cfg-options`` value is replaced by each run's
folder. ``--gpus N`` trains every run on N GPUs through
``tools/dist_train.sh``.

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
import itertools
import os.path as osp
import re
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


class Method(NamedTuple):
    """One method of a study: a config and the options of its runs."""

    name: str  # folder of its runs under the study's work dir
    config: str
    options: Tuple[str, ...] = ()  # key=value options of this method only


def split_values(values: str) -> List[str]:
    """``'1e-3,[1,2],3'`` -> ``['1e-3', '[1,2]', '3']``: commas inside
    brackets, braces or quotes belong to a value."""
    parts, depth, quote, current = [], 0, '', ''
    for char in values:
        if quote:
            quote = '' if char == quote else quote
        elif char in '\'"':
            quote = char
        elif char in '([{':
            depth += 1
        elif char in ')]}':
            depth -= 1
        elif char == ',' and depth == 0:
            parts.append(current)
            current = ''
            continue
        current += char
    parts.append(current)
    return [part.strip() for part in parts]


def option_slug(option: str) -> str:
    """A folder-safe name of one ``key=value`` option: the last part of the
    key and the value, other characters than letters, digits and ``.+-``
    replaced by ``_`` (``optim_wrapper.optimizer.lr=1e-3`` -> ``lr-1e-3``,
    ``model.weighter.priorities=[0.3,0.7]`` -> ``priorities-0.3_0.7``).
    """
    key, _, value = option.partition('=')
    value = re.sub(r'[^A-Za-z0-9.+-]+', '_', value.strip()).strip('_')
    return f"{key.strip().split('.')[-1]}-{value}"


def grid_points(grid: Sequence[str]) -> List[Tuple[str, Tuple[str, ...]]]:
    """The cartesian product of ``--grid key=v1,v2,...`` entries.

    Args:
        grid (Sequence[str]): One ``key=v1,v2,...`` per key.

    Returns:
        list[tuple[str, tuple[str, ...]]]: Per point its name (the slugs of
        its options joined by ``_``, stable across launches) and its
        ``key=value`` options, in the order of the entries.

    Raises:
        ValueError: An entry without ``=`` or values, a key given twice, or
            a key the study sets itself.
    """
    axes = []
    for entry in grid:
        key, sep, values = entry.partition('=')
        key = key.strip()
        if not sep or not key or not values.strip():
            raise ValueError(f'--grid {entry}: expected key=v1,v2,...')
        if key in [axis[0] for axis in axes]:
            raise ValueError(f'--grid {entry}: key {key} is given twice')
        axes.append((key, [f'{key}={value}'
                           for value in split_values(values)]))
    check_cfg_options([options[0] for _, options in axes])
    points = []
    for options in itertools.product(*[opts for _, opts in axes]):
        points.append(('_'.join(option_slug(o) for o in options), options))
    return points


def study_methods(configs: Sequence[str],
                  names: Optional[Sequence[str]] = None,
                  grid: Sequence[str] = ()) -> List[Method]:
    """Configs x grid points as methods.

    A method is named by its config (:func:`method_names` or ``names``),
    by its grid point when there is one config and a grid, or by both
    (``<config name>_<point name>``).
    """
    given = bool(names)
    names = list(names) if names else method_names(configs)
    if len(names) != len(configs) or len(set(names)) != len(names):
        raise ValueError(f'need one distinct name per config, got {names} '
                         f'for {len(configs)} configs')
    points = grid_points(grid) if grid else [('', ())]
    methods = []
    for config, name in zip(configs, names):
        for point, options in points:
            if point and len(configs) == 1 and not given:
                label = point
            else:
                label = '_'.join(part for part in (name, point) if part)
            methods.append(Method(label, config, tuple(options)))
    return methods


def train_command(config: str, run_dir: str, options: Sequence[str],
                  resume: bool, gpus: int = 1) -> List[str]:
    """The ``tools/train.py`` command of one run (``tools/dist_train.sh``
    with ``gpus`` processes when ``gpus > 1``)."""
    if gpus > 1:  # dist_train.sh starts $PYTHON, this interpreter
        command = ['env', f'PYTHON={sys.executable}', 'bash',
                   osp.join(TOOLS, 'dist_train.sh'), config, str(gpus)]
    else:
        command = [sys.executable, osp.join(TOOLS, 'train.py'), config]
    command += ['--work-dir', run_dir]
    if resume:
        command.append('--resume')
    return command + ['--cfg-options', *options]


def plan_methods(methods: Sequence[Method], seeds: Sequence[int],
                 work_dir: str, cfg_options: Sequence[str] = (),
                 nice: int = 0, gpus: int = 1) -> Dict[str, Planned]:
    """What to do with every run of ``methods`` x ``seeds``.

    Run ``k`` of a method trains into ``WORK_DIR/<method>/seed<k>`` with
    ``randomness.seed=k``, the method's options and then ``cfg_options``;
    ``{work_dir}`` in an option is replaced by the run's folder (e.g.
    ``val_evaluator.output_file={work_dir}/per_image.json``).

    Args:
        methods (Sequence[Method]): Name, config and options per method.
        seeds (Sequence[int]): Seeds; one run per method and seed.
        work_dir (str): Root of the study.
        cfg_options (Sequence[str]): ``key=value`` options for every run;
            ``randomness.seed`` is refused (the study sets it per run).
        nice (int): Run the trainings under ``nice -n``; 0 for none.
        gpus (int): Processes per run; more than 1 trains through
            ``tools/dist_train.sh``.

    Returns:
        dict[str, Planned]: Work dir -> action, command and reason.
    """
    check_cfg_options(cfg_options)
    for method in methods:
        check_cfg_options(method.options)
        if not osp.isfile(method.config):
            raise FileNotFoundError(
                f'config file {method.config} does not exist')
    if len({method.name for method in methods}) != len(methods):
        raise ValueError('method names are not distinct: '
                         f'{[method.name for method in methods]}')
    planned = {}
    for method in methods:
        for seed in seeds:
            run_dir = osp.join(work_dir, method.name, f'seed{seed}')
            options = [option.replace('{work_dir}', run_dir) for option in
                       (*method.options, *cfg_options)]
            action, reason = run_action(run_dir, method.config, options)
            command = train_command(
                method.config, run_dir,
                [f'randomness.seed={seed}', *options], action == 'resume',
                gpus)
            if nice:
                command = ['nice', '-n', str(nice)] + command
            planned[run_dir] = Planned(action, [] if action == 'done' else
                                       command, reason)
    return planned


def plan(configs: Sequence[str], seeds: Sequence[int], work_dir: str,
         names: Optional[Sequence[str]] = None,
         cfg_options: Sequence[str] = (), nice: int = 0,
         grid: Sequence[str] = (), gpus: int = 1) -> Dict[str, Planned]:
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
        grid (Sequence[str]): ``key=v1,v2,...`` entries; every config runs
            every point of their cartesian product (:func:`grid_points`).
        gpus (int): Processes per run (``tools/dist_train.sh`` when > 1).

    Returns:
        dict[str, Planned]: Work dir -> action, command and reason.
    """
    check_cfg_options(cfg_options)
    return plan_methods(study_methods(configs, names, grid), seeds,
                        work_dir, cfg_options, nice, gpus)


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
    parser.add_argument('--grid', action='append', default=[],
                        metavar='KEY=V1,V2,...',
                        help='values of a config key to sweep; repeat for '
                        'a cartesian product (each point is a method)')
    parser.add_argument('--gpus', type=int, default=1,
                        help='GPUs per run (tools/dist_train.sh when > 1)')
    parser.add_argument('--nice', type=int, default=0,
                        help='niceness of the trainings')
    parser.add_argument('--dry-run', action='store_true',
                        help='print the commands only')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    try:
        planned = plan(args.configs, args.seeds, args.work_dir, args.names,
                       args.cfg_options, args.nice, args.grid, args.gpus)
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
