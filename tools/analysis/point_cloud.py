"""Point clouds (ASCII PLY, xyz + rgb) from depth maps.

Jiao et al., "Look Deeper into Depth" (ECCV 2018, supplementary Fig. 5)
project predicted depth into 3D with the image colours. Two sources:

- a depth file (``.npy`` in metres, or a 16-bit ``.png`` with
  ``--depth-scale`` units per metre) and optionally its image::

    python tools/analysis/point_cloud.py --depth pred.npy --image rgb.png \\
        --intrinsics 518.9 519.5 325.6 253.7 --out cloud.ply

- a model's predictions on its first test images, one
  ``<out-dir>/<index>.ply`` each, coloured by the input image::

    python tools/analysis/point_cloud.py --config CONFIG [--checkpoint CKPT] \\
        --intrinsics 518.9 519.5 325.6 253.7 --num-images 4 --out-dir clouds/

Intrinsics are ``fx fy cx cy`` in pixels of the depth map (NYUv2's Kinect:
518.86 519.47 325.58 253.74 at 640 x 480); pixels without a positive depth,
or beyond ``--max-depth``, are left out.
"""
import argparse
import os
import os.path as osp
from typing import List

import cv2
import numpy as np
from mmengine.config import Config, DictAction

from mtlw.utils.predictions import iter_predictions
from mtlw.visualization.point_cloud import backproject, write_ply


def load_depth(path: str, scale: float) -> np.ndarray:
    """A depth map in metres from ``.npy`` or a 16-bit PNG."""
    if path.endswith('.npy'):
        return np.load(path).astype(np.float64).squeeze()
    depth = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if depth is None:
        raise FileNotFoundError(f'cannot read the depth map {path}')
    return depth.astype(np.float64) / scale


def cloud(depth: np.ndarray, intrinsics, image_bgr, max_depth: float,
          out: str) -> str:
    """Write the cloud of one depth map (colours from a BGR image)."""
    depth = np.where(depth <= max_depth, depth, 0.0)
    rgb = None if image_bgr is None else image_bgr[..., ::-1]
    points, colours = backproject(depth, intrinsics, rgb)
    write_ply(out, points, colours)
    print(f'wrote {len(points)} points to {out}')
    return out


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--intrinsics', type=float, nargs=4, required=True,
                        metavar=('FX', 'FY', 'CX', 'CY'))
    parser.add_argument('--depth', help='depth map (.npy metres or .png)')
    parser.add_argument('--depth-scale', type=float, default=1000.0,
                        help='PNG units per metre')
    parser.add_argument('--image', help='colours of the depth map')
    parser.add_argument('--out', default='cloud.ply')
    parser.add_argument('--config', help='model config (predictions)')
    parser.add_argument('--checkpoint')
    parser.add_argument('--num-images', type=int, default=4)
    parser.add_argument('--out-dir', default='point_clouds')
    parser.add_argument('--max-depth', type=float, default=float('inf'))
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args(argv)
    if bool(args.depth) == bool(args.config):
        parser.error('give either --depth or --config')
    return args


def main(argv=None) -> List[str]:
    args = parse_args(argv)
    if args.depth:
        image = None if args.image is None else cv2.imread(args.image)
        return [cloud(load_depth(args.depth, args.depth_scale),
                      args.intrinsics, image, args.max_depth, args.out)]
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    os.makedirs(args.out_dir, exist_ok=True)
    written = []
    for index, image, prediction in iter_predictions(
            cfg, args.checkpoint, args.num_images):
        if 'pred_depth_map' not in prediction:
            raise KeyError(f'{args.config}: the model predicts no depth '
                           '(pred_depth_map)')
        depth = prediction.pred_depth_map.data[0].cpu().numpy()
        written.append(cloud(depth, args.intrinsics, image, args.max_depth,
                             osp.join(args.out_dir, f'{index:04d}.ply')))
    return written


if __name__ == '__main__':
    main()
