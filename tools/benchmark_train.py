"""Training-step speed of stock mmseg EncNet and of mtlw's weighted EncNet.

Both models come from one EncNet config: mtlw's as configured (its weighter,
e.g. CoV-Weighting), the stock one as mmseg's ``EncoderDecoder`` with
EncNet's fixed loss weights in its heads (CE 1.0, SE 0.2, AUX 0.4). They start
from the same weights, use the config's optimizer and take training steps
(``model.train_step``: preprocessing, forward, losses, backward, update) on
the same random batches, alternating which goes first, after a warm-up. The
median step times, images/s and their ratio are printed.

Example (CPU, MobileNetV2 EncNet, 128x128, batch 2)::

    python tools/benchmark_train.py configs/encnet/synthscenes_cov.py \\
        --size 128 128 --batch 2 --steps 20

and on a GPU, the paper's setting (384x384, batch 8), fp32 and bf16::

    python tools/benchmark_train.py configs/encnet/pcontext_cov.py \\
        --device cuda --size 384 384 --batch 8 --dtype bf16 --channels-last
"""
import argparse
import copy
import statistics
import time
from contextlib import contextmanager
from typing import Dict, List, Sequence

import mtlw  # noqa: F401  (compat layer and registration come first)
import torch
from mmengine.config import Config, DictAction
from mmengine.logging import MMLogger
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper, build_optim_wrapper
from mmengine.registry import DefaultScope
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mtlw.registry import MODELS
from mtlw.utils import synchronize

#: EncNet's hand-tuned loss weights, set in the stock model's heads.
STOCK_LOSS_WEIGHTS = {
    ('decode_head', 'loss_decode'): 1.0,
    ('decode_head', 'loss_se_decode'): 0.2,
    ('auxiliary_head', 'loss_decode'): 0.4,
}
DTYPES = {'fp32': None, 'bf16': torch.bfloat16}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.splitlines()[1:]))
    parser.add_argument('config', help='an EncNet config of mtlw')
    parser.add_argument('--device', default='cpu', help='cpu, cuda, cuda:1')
    parser.add_argument('--dtype', choices=sorted(DTYPES), default='fp32',
                        help='bf16: forward under torch.autocast')
    parser.add_argument('--channels-last', action='store_true',
                        help='channels_last memory format for both models')
    parser.add_argument('--size', type=int, nargs=2, default=(128, 128),
                        metavar=('H', 'W'), help='image size')
    parser.add_argument('--batch', type=int, default=2, help='batch size')
    parser.add_argument('--warmup', type=int, default=3,
                        help='untimed steps of each model first')
    parser.add_argument('--steps', type=int, default=20,
                        help='timed steps of each model')
    parser.add_argument('--threads', type=int,
                        help='torch CPU threads (default: torch decides)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config entries, key=value')
    return parser.parse_args()


class AutocastOptimWrapper(OptimWrapper):
    """An optimizer wrapper whose forward context runs ``torch.autocast``.

    For bf16 on any device (mmengine's ``AmpOptimWrapper`` needs a GPU);
    bf16 needs no loss scaling.

    Args:
        device_type (str): ``'cpu'`` or ``'cuda'``.
        dtype (torch.dtype): The autocast dtype.
        **kwargs: Arguments of :class:`mmengine.optim.OptimWrapper`.
    """

    def __init__(self, device_type: str, dtype: torch.dtype,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.device_type = device_type
        self.dtype = dtype

    @contextmanager
    def optim_context(self, model: torch.nn.Module):
        with super().optim_context(model), torch.autocast(
                self.device_type, dtype=self.dtype):
            yield


def stock_model_cfg(model_cfg: dict) -> dict:
    """mmseg's EncoderDecoder with the fixed weights in its heads.

    Args:
        model_cfg (dict): The ``model`` of an mtlw EncNet config.

    Returns:
        dict: The same model as a stock mmseg ``EncoderDecoder``.
    """
    cfg = copy.deepcopy(model_cfg)
    cfg['type'] = 'EncoderDecoder'
    cfg.pop('weighter', None)
    cfg.pop('shared', None)
    for (head, loss), weight in STOCK_LOSS_WEIGHTS.items():
        if cfg.get(head) is None or loss not in cfg[head]:
            raise KeyError(f'the config has no model.{head}.{loss}: '
                           'benchmark_train.py compares EncNet models')
        cfg[head][loss]['loss_weight'] = weight
    return cfg


def random_batches(num_classes: int, batch_size: int, size: Sequence[int],
                   count: int = 4) -> List[dict]:
    """``count`` collated batches of random uint8 images and labels."""
    gen = torch.Generator().manual_seed(0)
    batches = []
    for _ in range(count):
        inputs, samples = [], []
        for _ in range(batch_size):
            inputs.append(torch.randint(0, 256, (3, *size), generator=gen,
                                        dtype=torch.uint8))
            label = torch.randint(0, num_classes, (1, *size), generator=gen)
            sample = SegDataSample(gt_sem_seg=PixelData(data=label))
            sample.set_metainfo(dict(img_shape=tuple(size),
                                     ori_shape=tuple(size),
                                     pad_shape=tuple(size)))
            samples.append(sample)
        batches.append(dict(inputs=inputs, data_samples=samples))
    return batches


def build_pair(cfg: Config, device: str, channels_last: bool
               ) -> Dict[str, BaseModel]:
    """The stock and the mtlw model of ``cfg``, with the same weights."""
    with DefaultScope.overwrite_default_scope('mmseg'):
        torch.manual_seed(0)
        stock = MODELS.build(stock_model_cfg(cfg.model))
        stock.init_weights()
        weighted = MODELS.build(copy.deepcopy(cfg.model))
    missing, unexpected = weighted.load_state_dict(stock.state_dict(),
                                                   strict=False)
    if unexpected or any(not k.startswith('weighter.') for k in missing):
        raise RuntimeError(f'the two models differ: missing {missing}, '
                           f'unexpected {unexpected}')
    models = dict(stock=stock, mtlw=weighted)
    memory_format = (torch.channels_last if channels_last
                     else torch.contiguous_format)
    for model in models.values():
        model.to(device=device, memory_format=memory_format)
        model.train()
        if channels_last:
            model.backbone.register_forward_pre_hook(
                lambda module, args: (args[0].contiguous(
                    memory_format=torch.channels_last), *args[1:]))
    return models


def build_optim(cfg: Config, model: BaseModel, dtype: str,
                device: str) -> OptimWrapper:
    """The config's optimizer; its forward under autocast for bf16."""
    optim_cfg = copy.deepcopy(cfg.optim_wrapper)
    if DTYPES[dtype] is not None:
        optim_cfg['type'] = AutocastOptimWrapper
        optim_cfg['device_type'] = torch.device(device).type
        optim_cfg['dtype'] = DTYPES[dtype]
    with DefaultScope.overwrite_default_scope('mmseg'):
        return build_optim_wrapper(model, optim_cfg)


def benchmark(cfg: Config, device: str = 'cpu', dtype: str = 'fp32',
              channels_last: bool = False, size: Sequence[int] = (128, 128),
              batch_size: int = 2, warmup: int = 3,
              steps: int = 20) -> Dict[str, List[float]]:
    """Seconds per training step of the stock and the mtlw model.

    Args:
        cfg (Config): An mtlw EncNet config.
        device (str): Where both models run.
        dtype (str): ``'fp32'`` or ``'bf16'`` (autocast).
        channels_last (bool): Use the channels_last memory format.
        size (tuple): (H, W) of the images.
        batch_size (int): Images per step.
        warmup (int): Untimed steps of each model first.
        steps (int): Timed steps of each model.

    Returns:
        dict: ``{'stock': [seconds, ...], 'mtlw': [seconds, ...]}``.
    """
    cfg = copy.deepcopy(cfg)
    preprocessor = cfg.model.data_preprocessor
    preprocessor.size, preprocessor.size_divisor = tuple(size), None
    models = build_pair(cfg, device, channels_last)
    optims = {name: build_optim(cfg, model, dtype, device)
              for name, model in models.items()}
    models['mtlw'].weighter.bind_runtime(iters_per_epoch=steps)
    batches = random_batches(cfg.model.decode_head.num_classes, batch_size,
                             size)
    times: Dict[str, List[float]] = {name: [] for name in models}
    for index in range(warmup + steps):
        order = list(models) if index % 2 == 0 else list(models)[::-1]
        for name in order:
            batch = batches[index % len(batches)]
            synchronize(device)
            start = time.perf_counter()
            models[name].train_step(batch, optims[name])
            synchronize(device)
            if index >= warmup:
                times[name].append(time.perf_counter() - start)
    return times


def main() -> None:
    args = parse_args()
    MMLogger.get_instance('benchmark_train', log_level='WARNING')
    if args.threads:
        torch.set_num_threads(args.threads)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    times = benchmark(cfg, args.device, args.dtype, args.channels_last,
                      args.size, args.batch, args.warmup, args.steps)
    device = (torch.cuda.get_device_name(args.device)
              if args.device.startswith('cuda')
              else f'cpu, {torch.get_num_threads()} threads')
    print(f'{args.config}: {device}, {args.dtype}, channels_last='
          f'{args.channels_last}, batch {args.batch}, '
          f'{args.size[0]}x{args.size[1]}, {args.steps} timed steps each '
          f'after {args.warmup} warm-up steps, interleaved')
    medians = {name: statistics.median(t) for name, t in times.items()}
    labels = dict(stock='stock mmseg EncoderDecoder (fixed weights)',
                  mtlw=f'mtlw {cfg.model.type} '
                  f'({cfg.model.weighter["type"]})')
    for name, median in medians.items():
        print(f'{labels[name]:<58} {1000 * median:9.1f} ms/step '
              f'{args.batch / median:8.1f} img/s')
    print(f'speed ratio mtlw / stock: {medians["stock"] / medians["mtlw"]:.3f}'
          ' (stock median step time / mtlw median step time)')


if __name__ == '__main__':
    main()
