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
``tools/train.py``, one run after another; a run whose folder already holds
a finished log is skipped. Then ``tools/analysis/compare_runs.py`` writes
the table and the plot into ``WORK_DIR``.
"""
import argparse
import importlib.util
import os.path as osp
import subprocess
import sys
from typing import Dict, List, Optional, Sequence

TOOLS = osp.dirname(osp.abspath(__file__))


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


def plan(configs: Sequence[str], seeds: Sequence[int], work_dir: str,
         names: Optional[Sequence[str]] = None,
         cfg_options: Sequence[str] = (), nice: int = 0
         ) -> Dict[str, List[str]]:
    """The training command of every run, keyed by its work dir.

    Args:
        configs (Sequence[str]): One config per method.
        seeds (Sequence[int]): Seeds; one run per method and seed.
        work_dir (str): Root of the study.
        names (Sequence[str], optional): Method names, one per config.
        cfg_options (Sequence[str]): ``key=value`` options for every run.
        nice (int): Run the trainings under ``nice -n``; 0 for none.

    Returns:
        dict[str, list[str]]: Work dir -> command.
    """
    names = list(names) if names else method_names(configs)
    if len(names) != len(configs) or len(set(names)) != len(names):
        raise ValueError(f'need one distinct name per config, got {names} '
                         f'for {len(configs)} configs')
    for config in configs:
        if not osp.isfile(config):
            raise FileNotFoundError(f'config file {config} does not exist')
    commands = {}
    for config, name in zip(configs, names):
        for seed in seeds:
            run_dir = osp.join(work_dir, name, f'seed{seed}')
            command = [sys.executable, osp.join(TOOLS, 'train.py'), config,
                       '--work-dir', run_dir, '--cfg-options',
                       f'randomness.seed={seed}', *cfg_options]
            if nice:
                command = ['nice', '-n', str(nice)] + command
            commands[run_dir] = command
    return commands


def finished(run_dir: str) -> bool:
    """Whether a run folder already holds a validation or test result."""
    compare_runs = _compare_runs()
    try:
        compare_runs.load_run(run_dir)
    except FileNotFoundError:
        return False
    return True


def _compare_runs():
    """tools/analysis/compare_runs.py as a module."""
    path = osp.join(TOOLS, 'analysis', 'compare_runs.py')
    spec = importlib.util.spec_from_file_location('compare_runs', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    commands = plan(args.configs, args.seeds, args.work_dir, args.names,
                    args.cfg_options, args.nice)
    for run_dir, command in commands.items():
        print(' '.join(command), flush=True)
        if args.dry_run:
            continue
        if finished(run_dir):
            print(f'  {run_dir} is finished; skipped', flush=True)
            continue
        subprocess.run(command, check=True)
    if not args.dry_run:
        written = _compare_runs().compare(list(commands), args.work_dir,
                                          args.metrics)
        for path in written.values():
            print(f'wrote {path}')


if __name__ == '__main__':
    main()
