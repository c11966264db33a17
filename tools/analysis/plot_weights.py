"""Plot loss weights and weighted loss scales of a run over iterations.

Usage: python tools/analysis/plot_weights.py WORK_DIR [--out weights.png]

WORK_DIR is a work dir of ``tools/train.py`` (every launch of a resumed run
is read, merged in iteration order by :func:`mtlw.utils.read_scalars`) or
one ``scalars.json``. A run still training or stopped early is plotted up
to the last iteration it logged.
"""
import argparse
import os.path as osp
import re

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from mtlw.utils import read_scalars, weight_series  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dir', help='work dir of tools/train.py')
    parser.add_argument('--out',
                        help='PNG path (default WORK_DIR/weights.png)')
    parser.add_argument('--keys', default='.*',
                        help='regular expression selecting loss keys')
    parser.add_argument('--title', help='figure title')
    return parser.parse_args()


def plot_weights(work_dir: str, out: str, keys: str = '.*',
                 title: str = None) -> str:
    """Draw weights (top) and ``w * L`` (bottom) per loss key into ``out``."""
    series = {name: values for name, values in
              weight_series(read_scalars(work_dir)).items()
              if re.search(keys, name)}
    if not series:
        raise ValueError(f'no weight/<key> matching {keys!r} in the logs of '
                         f'{work_dir}: was WeightLoggerHook enabled?')
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(8, 6))
    for name, (iters, weights, scales) in series.items():
        top.plot(iters, weights, label=name)
        bottom.plot(iters, scales, label=name)
    top.set_ylabel('weight')
    bottom.set_ylabel('weighted loss  w * L')
    bottom.set_xlabel('iteration')
    if len(series) <= 12:
        top.legend(fontsize='small', loc='best')
    fig.suptitle(title or osp.basename(osp.normpath(work_dir)))
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out


def main() -> None:
    args = parse_args()
    out = args.out or osp.join(args.work_dir, 'weights.png')
    print(f'wrote {plot_weights(args.work_dir, out, args.keys, args.title)}')


if __name__ == '__main__':
    main()
