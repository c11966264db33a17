"""Overlay the attention map A(T) = sum_i |T_i| of a layer on test images.

Jiao et al., "Look Deeper into Depth" (ECCV 2018, supplementary section 1,
after Zagoruyko and Komodakis, ICLR 2017) show where
a network looks through the activation tensor T (C x H x W) of a layer:
A(T) = sum over channels of |T_i|, normalised to [0, 1] per image, upsampled
to the image and drawn over it as a heat map. One PNG per image and layer.

Usage::

    python tools/analysis/attention_maps.py CONFIG [CHECKPOINT] \\
        --layers branches.depth.ups.0 backbone --num-images 4 \\
        --out-dir attention/

Layer names are those of ``model.named_modules()`` (e.g. the synergy net's
first depth up-conv ``branches.depth.ups.0``, its encoder ``backbone``);
a layer returning several tensors uses the last one.

``--min-depth`` / ``--max-depth`` bound the map to the pixels whose
ground-truth depth is in ``(min, max]`` (the depth ranges of the
supplementary Tables 4-6): the map is scaled to [0, 1] over those pixels and
0 elsewhere (:func:`mtlw.visualization.attention.attention_map`).
"""
import argparse
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence

import cv2
import numpy as np
import torch
from mmengine.config import Config, DictAction
from mmengine.dataset import pseudo_collate
from mmengine.registry import DefaultScope
from mmengine.runner import load_checkpoint
from torch import Tensor

from mtlw.registry import DATASETS, MODELS
from mtlw.visualization.attention import attention_map, depth_range_mask


def overlay(image: np.ndarray, attention: np.ndarray,
            alpha: float = 0.5) -> np.ndarray:
    """Blend a JET heat map of ``attention`` (h, w in [0, 1]) over a BGR
    uint8 image (H, W, 3); the map is resized bilinearly to the image."""
    height, width = image.shape[:2]
    heat = cv2.resize(attention.astype(np.float32), (width, height),
                      interpolation=cv2.INTER_LINEAR)
    heat = cv2.applyColorMap(np.uint8(np.clip(heat, 0, 1) * 255),
                             cv2.COLORMAP_JET)
    return cv2.addWeighted(image, 1 - alpha, heat, alpha, 0)


def capture(model: torch.nn.Module, layers: Sequence[str],
            inputs: Tensor) -> Dict[str, Tensor]:
    """Outputs of the named layers during one forward of ``inputs``."""
    outputs, handles = {}, []
    for name in layers:
        try:
            module = model.get_submodule(name)
        except AttributeError:
            names = [n for n, _ in model.named_modules() if n][:20]
            raise KeyError(f'the model has no layer {name!r}; some of its '
                           f'layers: {names}') from None

        def hook(module, args, output, name=name):
            if isinstance(output, (tuple, list)):
                output = output[-1]
            outputs[name] = output

        handles.append(module.register_forward_hook(hook))
    try:
        with torch.no_grad():
            model(inputs, mode='tensor')
    finally:
        for handle in handles:
            handle.remove()
    return outputs


def depth_range(data_sample, min_depth: Optional[float],
                max_depth: Optional[float]) -> Optional[Tensor]:
    """(1, H, W) mask of the ground-truth depth in the range, or None when
    no bound is given."""
    if min_depth is None and max_depth is None:
        return None
    if 'gt_depth_map' not in data_sample:
        raise KeyError('--min-depth / --max-depth need ground-truth depth '
                       '(gt_depth_map) in the test samples')
    depth = data_sample.gt_depth_map.data.reshape(
        1, *data_sample.gt_depth_map.shape)
    return depth_range_mask(depth, 0.0 if min_depth is None else min_depth,
                            float('inf') if max_depth is None else max_depth)


def write_attention_maps(cfg: Config, checkpoint: Optional[str],
                         layers: Sequence[str], out_dir: str,
                         num_images: int = 4, alpha: float = 0.5,
                         min_depth: Optional[float] = None,
                         max_depth: Optional[float] = None) -> List[str]:
    """Write ``<out_dir>/<image>_<layer>.png`` for the first test images
    (bounded to a ground-truth depth range when ``min_depth`` or
    ``max_depth`` is given)."""
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = MODELS.build(cfg.model)
        dataset = DATASETS.build(cfg.test_dataloader.dataset)
    if checkpoint:
        load_checkpoint(model, checkpoint, map_location='cpu')
    model.eval()
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for index in range(min(num_images, len(dataset))):
        sample = dataset[index]
        image = sample['inputs'].permute(1, 2, 0).numpy().astype(np.uint8)
        data = model.data_preprocessor(pseudo_collate([sample]), False)
        valid = depth_range(sample['data_samples'], min_depth, max_depth)
        for layer, output in capture(model, layers, data['inputs']).items():
            attention = attention_map(output, valid)[0].cpu().numpy()
            path = osp.join(out_dir,
                            f'{index:04d}_{layer.replace(".", "-")}.png')
            cv2.imwrite(path, overlay(np.ascontiguousarray(image),
                                      attention, alpha))
            written.append(path)
    return written


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='model config')
    parser.add_argument('checkpoint', nargs='?',
                        help='weights (random initialisation without)')
    parser.add_argument('--layers', nargs='+', required=True,
                        help='module names, e.g. branches.depth.ups.0')
    parser.add_argument('--out-dir', default='attention_maps')
    parser.add_argument('--num-images', type=int, default=4)
    parser.add_argument('--alpha', type=float, default=0.5,
                        help='opacity of the heat map')
    parser.add_argument('--min-depth', type=float,
                        help='only pixels whose true depth is above it')
    parser.add_argument('--max-depth', type=float,
                        help='only pixels whose true depth is at most it')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value')
    return parser.parse_args(argv)


def main(argv=None) -> List[str]:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    written = write_attention_maps(cfg, args.checkpoint, args.layers,
                                   args.out_dir, args.num_images, args.alpha,
                                   args.min_depth, args.max_depth)
    print(f'wrote {len(written)} attention maps to {args.out_dir}')
    return written


if __name__ == '__main__':
    main()
