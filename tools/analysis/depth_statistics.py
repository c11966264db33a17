"""Mean, standard deviation and range of the valid training depth.

The numbers a ``DepthNormalization`` needs (Argenziano and Pagani,
"Multi-Task Learning for Semantics and Depth", course report, 2022,
standardise depth with the training set's mean and standard deviation).

Usage::

    python tools/analysis/depth_statistics.py CONFIG [--num-samples N]
"""
import argparse
import math
from typing import Dict, Optional

from mmengine.config import Config, DictAction
from mmengine.registry import DefaultScope

from mtlw.registry import DATASETS


def depth_statistics(dataset, num_samples: Optional[int] = None
                     ) -> Dict[str, float]:
    """Statistics of ``gt_depth_map > 0`` over the first samples.

    Args:
        dataset: A dataset whose items are packed (``data_samples`` with
            ``gt_depth_map``).
        num_samples (int, optional): How many samples; all by default.

    Returns:
        dict[str, float]: ``mean``, ``std`` (population), ``min``, ``max``
        and ``pixels`` (the number of valid pixels).
    """
    count, total, squares = 0, 0.0, 0.0
    low, high = math.inf, -math.inf
    for index in range(min(num_samples or len(dataset), len(dataset))):
        sample = dataset[index]['data_samples']
        if 'gt_depth_map' not in sample:
            continue
        depth = sample.gt_depth_map.data.double()
        depth = depth[depth > 0]
        if depth.numel() == 0:
            continue
        count += depth.numel()
        total += float(depth.sum())
        squares += float((depth ** 2).sum())
        low, high = min(low, float(depth.min())), max(high, float(depth.max()))
    if count == 0:
        raise ValueError('no valid depth pixel (gt_depth_map > 0) in the '
                         'samples read')
    mean = total / count
    return dict(mean=mean, std=math.sqrt(max(squares / count - mean ** 2, 0)),
                min=low, max=high, pixels=count)


def main(argv=None) -> Dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--num-samples', type=int,
                        help='read only the first N training samples')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    with DefaultScope.overwrite_default_scope('mmseg'):
        dataset = DATASETS.build(cfg.train_dataloader.dataset)
    stats = depth_statistics(dataset, args.num_samples)
    print(', '.join(f'{key}={value:.4g}' for key, value in stats.items()))
    return stats


if __name__ == '__main__':
    main()
