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


def attention_map(features: Tensor) -> Tensor:
    """``A(T) = sum_i |T_i|`` of (B, C, h, w) features, scaled to [0, 1]
    per image (a constant map gives 0).

    Returns:
        Tensor: (B, h, w).
    """
    if features.dim() != 4:
        raise ValueError(f'attention_map expects (B, C, H, W) features, got '
                         f'{tuple(features.shape)}')
    attention = features.detach().abs().sum(dim=1)
    low = attention.flatten(1).amin(1)[:, None, None]
    high = attention.flatten(1).amax(1)[:, None, None]
    return (attention - low) / (high - low).clamp(min=1e-12)


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


def write_attention_maps(cfg: Config, checkpoint: Optional[str],
                         layers: Sequence[str], out_dir: str,
                         num_images: int = 4, alpha: float = 0.5) -> List[str]:
    """Write ``<out_dir>/<image>_<layer>.png`` for the first test images."""
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
        for layer, output in capture(model, layers, data['inputs']).items():
            attention = attention_map(output)[0].cpu().numpy()
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
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value')
    return parser.parse_args(argv)


def main(argv=None) -> List[str]:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    written = write_attention_maps(cfg, args.checkpoint, args.layers,
                                   args.out_dir, args.num_images, args.alpha)
    print(f'wrote {len(written)} attention maps to {args.out_dir}')
    return written


if __name__ == '__main__':
    main()
