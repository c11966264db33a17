"""Loss weights of monodepth runs summed per loss term and per scale.

Groenendijk et al., "Multi-Loss Weighting with Coefficient of Variations"
(WACV 2021, Table 7 and Fig. 1) compare the weights of the 32 losses summed
per term (L1, SSIM, LR consistency, disparity smoothness) and per scale.
From the ``weight/<loss key>`` values of each run's training log
(:mod:`mtlw.visualization.weight_groups`) this writes ``--out`` (per run a
row of two panels: weights per term and per scale over training) and
prints the summed weights at the last logged step.

Usage::

    python tools/analysis/weight_groups.py work_dirs/cov work_dirs/gradnorm \\
        --out weight_groups.png
"""
import argparse
import os.path as osp
from typing import Dict, List

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from mtlw.utils.run_logs import read_scalars  # noqa: E402
from mtlw.visualization.weight_groups import \
    grouped_weight_series  # noqa: E402

GROUPINGS = ('term', 'scale')


def final_groups(work_dir: str) -> Dict[str, Dict[str, float]]:
    """Per grouping, the summed weights at the run's last logged step."""
    records = read_scalars(work_dir)
    result = {}
    for by in GROUPINGS:
        iters, series = grouped_weight_series(records, by)
        if not iters:
            raise ValueError(f'{work_dir} logged no weight/<loss> values')
        result[by] = {group: values[-1] for group, values in series.items()}
    return result


def plot(work_dirs: List[str], out: str) -> str:
    """One row per run: weights per term and per scale over training."""
    fig, axes = plt.subplots(len(work_dirs), 2, squeeze=False,
                             figsize=(10, 3 * len(work_dirs)))
    for row, work_dir in enumerate(work_dirs):
        records = read_scalars(work_dir)
        for col, by in enumerate(GROUPINGS):
            iters, series = grouped_weight_series(records, by)
            for group, values in series.items():
                axes[row][col].plot(iters, values, label=group)
            axes[row][col].set_title(f'{osp.basename(osp.normpath(work_dir))}'
                                     f': weight per {by}')
            axes[row][col].set_xlabel('iteration')
            axes[row][col].legend(fontsize='small')
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return out


def main(argv=None) -> Dict[str, Dict[str, Dict[str, float]]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dirs', nargs='+', help='training work dirs')
    parser.add_argument('--out', default='weight_groups.png')
    args = parser.parse_args(argv)
    finals = {work_dir: final_groups(work_dir) for work_dir in args.work_dirs}
    for work_dir, groups in finals.items():
        for by, sums in groups.items():
            cells = ', '.join(f'{g} {v:.4f}' for g, v in sums.items())
            print(f'{work_dir}: weight per {by} at the end: {cells}')
    print(f'wrote {plot(args.work_dirs, args.out)}')
    return finals


if __name__ == '__main__':
    main()
