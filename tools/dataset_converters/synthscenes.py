"""Write SynthScenes to disk in the layouts that file-based loaders read.

Multi-task samples follow the NYUv2 layout of MTAN (Liu et al. 2019);
stereo pairs are PNGs with KITTI-style 16-bit disparity::

    <out>/<split>/image/<i>.npy        float32 (H, W, 3) RGB in [0, 1]
    <out>/<split>/label/<i>.npy        float32 (H, W) class id, -1 ignore
    <out>/<split>/depth/<i>.npy        float32 (H, W, 1) metres, 0 invalid
    <out>/<split>/normal/<i>.npy       float32 (H, W, 3) unit, 0 invalid
    <out>/<split>/stereo/left/<i>.png  uint8 colour
    <out>/<split>/stereo/right/<i>.png uint8 colour
    <out>/<split>/stereo/disp/<i>.png  uint16 left disparity * 256, 0 invalid
    <out>/<split>/camera.json          focal, baseline, img_size, classes

Example::

    python tools/dataset_converters/synthscenes.py data/synthscenes \\
        --splits train val --num-samples 795 654 --img-size 288 384

See docs/synthscenes.md.
"""
import argparse
import json
import os
import os.path as osp
from typing import List, Optional, Sequence

import cv2
import numpy as np

from mtlw.datasets.converter_utils import (IMAGE_CHECKS, FileSpec, OutputRow,
                                           check_output, format_table)
from mtlw.datasets.synthscenes import (CLASSES, IGNORE_INDEX, StereoCamera,
                                       depth_to_disparity, render_sample)

DISPARITY_SCALE = 256.0


def export_split(out_dir: str, split: str, num_samples: int,
                 img_size: Sequence[int] = (128, 256), seed: int = 0,
                 baseline: float = 0.54, focal_ratio: float = 0.58,
                 max_depth: float = 80.0) -> str:
    """Render ``num_samples`` samples of ``split`` into ``out_dir/split``.

    The samples are those of the SynthScenes datasets built with the same
    arguments. Returns the split folder.
    """
    camera = StereoCamera.from_size(img_size, focal_ratio, baseline)
    root = osp.join(out_dir, split)
    for folder in ('image', 'label', 'depth', 'normal', 'stereo/left',
                   'stereo/right', 'stereo/disp'):
        os.makedirs(osp.join(root, folder), exist_ok=True)
    for index in range(num_samples):
        views = render_sample(camera, seed, split, index, ('left', 'right'),
                              max_depth)
        left, right = views['left'], views['right']
        label = left.label.astype(np.float32)
        label[left.label == IGNORE_INDEX] = -1
        arrays = dict(
            image=left.image[..., ::-1].astype(np.float32) / 255,
            label=label,
            depth=left.depth[..., None],
            normal=left.normal)
        for name, array in arrays.items():
            np.save(osp.join(root, name, f'{index}.npy'), array)
        disparity = depth_to_disparity(left.depth, camera.focal,
                                       camera.baseline)
        if disparity.max() * DISPARITY_SCALE > np.iinfo(np.uint16).max:
            raise ValueError(
                f'sample {index} of {split}: disparity {disparity.max():.1f} '
                'px does not fit a 16-bit PNG at 1/256 px; use a smaller '
                'image or focal ratio')
        disp_png = np.rint(disparity * DISPARITY_SCALE).astype(np.uint16)
        for name, image in (('left', left.image), ('right', right.image),
                            ('disp', disp_png)):
            cv2.imwrite(osp.join(root, 'stereo', name, f'{index}.png'), image)
    with open(osp.join(root, 'camera.json'), 'w') as file:
        json.dump(
            dict(focal=camera.focal, baseline=camera.baseline,
                 img_size=[camera.height, camera.width], seed=seed,
                 max_depth=max_depth, classes=list(CLASSES)),
            file, indent=2)
    return root


def split_specs(split: str, num_samples: int,
                img_size: Sequence[int]) -> List[FileSpec]:
    """What :func:`export_split` writes for ``split``, with its checks."""
    size = tuple(img_size)
    arrays = dict(image=dict(channels=3, values=(0, 1)),
                  label=dict(channels=1, values=(-1, len(CLASSES) - 1)),
                  depth=dict(channels=1), normal=dict(channels=3))
    pngs = dict(left=IMAGE_CHECKS, right=IMAGE_CHECKS,
                disp=dict(dtype=np.uint16, channels=1,
                          note='disparity x 256'))
    specs = [FileSpec(f'{split}/{name}/*.npy', dict(checks, size=size),
                      num_samples, group=split)
             for name, checks in arrays.items()]
    specs += [FileSpec(f'{split}/stereo/{name}/*.png', dict(checks, size=size),
                       num_samples, group=split)
              for name, checks in pngs.items()]
    return specs + [FileSpec(f'{split}/camera.json', count=1)]


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write SynthScenes samples to disk (see the docstring)')
    parser.add_argument('out_dir', help='folder to write the splits into')
    parser.add_argument('--splits', nargs='+', default=['train', 'val'],
                        choices=['train', 'val', 'test'])
    parser.add_argument('--num-samples', nargs='+', type=int,
                        default=[795, 654],
                        help='samples per split, one number per split')
    parser.add_argument('--img-size', nargs=2, type=int, default=[288, 384],
                        metavar=('H', 'W'))
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--baseline', type=float, default=0.54)
    parser.add_argument('--focal-ratio', type=float, default=0.58)
    parser.add_argument('--max-depth', type=float, default=80.0)
    args = parser.parse_args(argv)
    if len(args.num_samples) != len(args.splits):
        parser.error(f'--num-samples needs one number per split '
                     f'{args.splits}, got {args.num_samples}')
    if min(args.num_samples) < 1 or min(args.img_size) < 1:
        parser.error(f'--num-samples {args.num_samples} and --img-size '
                     f'{args.img_size} must be positive')
    return args


def main(argv: Optional[List[str]] = None) -> List[OutputRow]:
    args = parse_args(argv)
    specs = []
    for split, count in zip(args.splits, args.num_samples):
        export_split(args.out_dir, split, count, args.img_size, args.seed,
                     args.baseline, args.focal_ratio, args.max_depth)
        specs += split_specs(split, count, args.img_size)
    rows = check_output(args.out_dir, specs)
    print(format_table(f'SynthScenes: {args.out_dir}', rows))
    return rows


if __name__ == '__main__':
    main()
