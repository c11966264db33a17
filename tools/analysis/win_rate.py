"""Win rate of one depth model over another, image by image.

Usage: python tools/analysis/win_rate.py RESULTS_A RESULTS_B [--metrics ...]

RESULTS_* are the per-image files PerImageDepthMetric writes with
``output_file=...json|.csv`` (see mtlw/evaluation/functional/
per_image_results.py); e.g. ``python tools/test.py CONFIG CKPT
--cfg-options test_evaluator.output_file=work_dirs/a/per_image.json``.
"""
import argparse

from mtlw.evaluation.functional import (WIN_RATE_METRICS,
                                        load_per_image_results, win_rate)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('results_a', help='per-image results of method A')
    parser.add_argument('results_b', help='per-image results of method B')
    parser.add_argument('--metrics', nargs='+', default=WIN_RATE_METRICS,
                        help='metrics that vote (default: the paper\'s 7)')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    result = win_rate(load_per_image_results(args.results_a),
                      load_per_image_results(args.results_b), args.metrics)
    print(f"A wins {result['win_rate']:.4f}, B wins {result['loss_rate']:.4f},"
          f" ties {result['tie_rate']:.4f} of {result['num_images']} images "
          f"(majority vote over {', '.join(args.metrics)})")


if __name__ == '__main__':
    main()
