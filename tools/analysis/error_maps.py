"""Per-pixel error maps of a model's predictions on test images.

Lee, Lee and Kim, "Learning Multiple Pixelwise Tasks Based on Loss Scale
Balancing" (ICCV 2021, supplementary Fig. S-5) show where each task's loss
occurs and the overall map, their sum. For each of the first test images
this writes ``<out-dir>/<index>_errors.png``: the input, one JET map per
task found in the prediction (absolute depth error, normal angle, wrong
labels; each scaled to its own maximum) and the overall map
(:mod:`mtlw.visualization.error_maps`), and ``<index>_errors.npz`` with the
raw maps.

Usage::

    python tools/analysis/error_maps.py CONFIG [CHECKPOINT] \\
        --num-images 4 --out-dir error_maps/ [--max-depth 10]
"""
import argparse
import os
import os.path as osp
from typing import Dict, List

import cv2
import numpy as np
from mmengine.config import Config, DictAction

from mtlw.utils.predictions import iter_predictions
from mtlw.visualization.error_maps import (depth_error_map, normal_error_map,
                                           overall_error_map, seg_error_map)


def task_error_maps(prediction, max_depth: float = float('inf')
                    ) -> Dict[str, np.ndarray]:
    """Error map of every task whose ground truth and prediction the data
    sample holds (``depth``, ``normal``, ``seg``)."""
    fields = set(prediction.keys())
    maps = {}
    if {'gt_depth_map', 'pred_depth_map'} <= fields:
        maps['depth'] = depth_error_map(
            prediction.pred_depth_map.data[0].cpu().numpy(),
            prediction.gt_depth_map.data[0].cpu().numpy(),
            max_depth=max_depth)
    if {'gt_normal_map', 'pred_normal_map'} <= fields:
        maps['normal'] = normal_error_map(
            prediction.pred_normal_map.data.cpu().numpy(),
            prediction.gt_normal_map.data.cpu().numpy())
    if {'gt_sem_seg', 'pred_sem_seg'} <= fields:
        maps['seg'] = seg_error_map(
            prediction.pred_sem_seg.data[0].cpu().numpy(),
            prediction.gt_sem_seg.data[0].cpu().numpy())
    if not maps:
        raise ValueError(f'the prediction holds no task with both ground '
                         f'truth and prediction (fields: {sorted(fields)})')
    return maps


def heat(error: np.ndarray) -> np.ndarray:
    """JET picture of a map scaled to its maximum."""
    peak = float(error.max())
    scaled = error / peak if peak > 0 else error
    return cv2.applyColorMap(np.uint8(np.clip(scaled, 0, 1) * 255),
                             cv2.COLORMAP_JET)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='model config')
    parser.add_argument('checkpoint', nargs='?',
                        help='weights (random initialisation without)')
    parser.add_argument('--out-dir', default='error_maps')
    parser.add_argument('--num-images', type=int, default=4)
    parser.add_argument('--max-depth', type=float, default=float('inf'),
                        help='depth ground truth above it counts as missing')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value')
    return parser.parse_args(argv)


def main(argv=None) -> List[str]:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    os.makedirs(args.out_dir, exist_ok=True)
    written = []
    for index, image, prediction in iter_predictions(
            cfg, args.checkpoint, args.num_images):
        maps = task_error_maps(prediction, args.max_depth)
        maps['overall'] = overall_error_map(list(maps.values()))
        path = osp.join(args.out_dir, f'{index:04d}_errors')
        np.savez(path + '.npz', **maps)
        panels = [image] + [cv2.resize(heat(m), image.shape[1::-1],
                                       interpolation=cv2.INTER_NEAREST)
                            for m in maps.values()]
        cv2.imwrite(path + '.png', np.concatenate(panels, axis=1))
        written.append(path + '.png')
    print(f'wrote {len(written)} error maps ({", ".join(maps)}) to '
          f'{args.out_dir}')
    return written


if __name__ == '__main__':
    main()
