"""Samples per second of the SynthScenes datasets on one core.

Times ``dataset[i]`` (rendering, then a flip with probability 1 and the
packing transform) and ``get_data_info(i)`` alone (rendering only) for each
dataset, over several repeats, and prints the best and median rates by wall
clock and the rate by process CPU time. Run it on an otherwise idle core::

    OMP_NUM_THREADS=1 python tools/benchmark_synthscenes.py

The figures in docs/synthscenes.md come from this command.
"""
import argparse
import os
import statistics
import time
from typing import Callable, Dict, List

import torch
from mmengine.registry import DefaultScope

from mtlw.registry import DATASETS

PIPELINES: Dict[str, List[dict]] = {
    'SynthScenesSegDataset': [
        dict(type='RandomFlip', prob=1.0),
        dict(type='PackSegInputs')
    ],
    'SynthScenesMultiTaskDataset': [
        dict(type='RandomFlipWithNormals', prob=1.0),
        dict(type='PackMultiTaskInputs')
    ],
    'SynthScenesStereoDataset': [
        dict(type='StereoRandomFlip', prob=1.0),
        dict(type='PackMultiTaskInputs')
    ],
}


def rates(fetch: Callable[[int], object], num_samples: int,
          repeats: int) -> Dict[str, float]:
    """Best and median wall-clock rate and CPU-time rate of ``fetch``."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        for index in range(num_samples):
            fetch(index)
        walls.append(num_samples / (time.perf_counter() - wall))
        cpus.append(num_samples / (time.process_time() - cpu))
    return dict(best=max(walls), median=statistics.median(walls),
                cpu=statistics.median(cpus))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--img-size', nargs=2, type=int, default=[128, 256],
                        metavar=('H', 'W'))
    parser.add_argument('--num-samples', type=int, default=200)
    parser.add_argument('--repeats', type=int, default=5)
    args = parser.parse_args()
    if os.environ.get('OMP_NUM_THREADS') != '1':
        print('warning: set OMP_NUM_THREADS=1 to measure one core')
    torch.set_num_threads(1)
    print(f'img_size={tuple(args.img_size)}, {args.num_samples} samples x '
          f'{args.repeats} repeats; samples/s (wall best / wall median / '
          'CPU time)')
    with DefaultScope.overwrite_default_scope('mmseg'):
        for name, pipeline in PIPELINES.items():
            dataset = DATASETS.build(
                dict(type=name, num_samples=args.num_samples,
                     img_size=tuple(args.img_size), pipeline=pipeline))
            dataset[0]  # warm the caches
            for label, fetch in (('render', dataset.get_data_info),
                                 ('render+flip+pack', dataset.__getitem__)):
                rate = rates(fetch, args.num_samples, args.repeats)
                print(f'{name:30s} {label:17s} {rate["best"]:7.1f} '
                      f'{rate["median"]:7.1f} {rate["cpu"]:7.1f}')


if __name__ == '__main__':
    main()
