"""Win rate of depth models over each other, image by image.

Usage::

    python tools/analysis/win_rate.py RESULTS_A RESULTS_B [--metrics ...]
    python tools/analysis/win_rate.py A.json B.json C.json \\
        --names equal handtuned cov [--out matrix.md]

RESULTS_* are the per-image files PerImageDepthMetric writes with
``output_file=...json|.csv`` (see mtlw/evaluation/functional/
per_image_results.py); e.g. ``python tools/test.py CONFIG CKPT
--cfg-options test_evaluator.output_file=work_dirs/a/per_image.json``.
Two files print A's win, loss and tie rates; more print the matrix of
every pair (CoV-Weighting Table 5): the cell of row ``a`` and column ``b``
is the share of the images ``a`` wins against ``b``.
"""
import argparse
import os.path as osp
from typing import Dict, List, Sequence, Tuple

from mtlw.evaluation.functional import (WIN_RATE_METRICS,
                                        load_per_image_results, win_rate,
                                        win_rate_matrix)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('results', nargs='+',
                        help='per-image results, one file per model')
    parser.add_argument('--names', nargs='+',
                        help='model names (default: the file names)')
    parser.add_argument('--metrics', nargs='+', default=WIN_RATE_METRICS,
                        help='metrics that vote (default: the paper\'s 7)')
    parser.add_argument('--out', help='also write the matrix (markdown)')
    args = parser.parse_args(argv)
    if len(args.results) < 2:
        parser.error('give at least two result files')
    if args.names and len(args.names) != len(args.results):
        parser.error(f'--names gives {len(args.names)} names for '
                     f'{len(args.results)} result files')
    return args


def matrix_markdown(names: Sequence[str],
                    matrix: Dict[Tuple[str, str], float]) -> str:
    """The win-rate matrix as a markdown table (``-`` on the diagonal)."""
    lines = ['| wins against | ' + ' | '.join(names) + ' |',
             '|---' * (len(names) + 1) + '|']
    for a in names:
        cells = ['-' if a == b else f'{matrix[(a, b)]:.4f}' for b in names]
        lines.append(f'| {a} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def main(argv=None) -> str:
    args = parse_args(argv)
    names: List[str] = args.names or [
        osp.splitext(osp.basename(path))[0] for path in args.results]
    if len(set(names)) != len(names):
        raise SystemExit(f'win_rate.py: model names repeat: {names}; give '
                         '--names')
    results = {name: load_per_image_results(path)
               for name, path in zip(names, args.results)}
    if len(results) == 2:
        result = win_rate(*results.values(), args.metrics)
        text = (f"A wins {result['win_rate']:.4f}, B wins "
                f"{result['loss_rate']:.4f}, ties {result['tie_rate']:.4f} "
                f"of {result['num_images']} images (majority vote over "
                f"{', '.join(args.metrics)})")
    else:
        text = matrix_markdown(names, win_rate_matrix(results, args.metrics))
    print(text)
    if args.out:
        with open(args.out, 'w') as file:
            file.write(text + '\n')
    return text


if __name__ == '__main__':
    main()
