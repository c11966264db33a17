"""Training-step speed of stock mmseg EncNet and of mtlw's weighted EncNet.

Both models come from one EncNet config: mtlw's as configured (its weighter,
e.g. CoV-Weighting), the stock one as mmseg's ``EncoderDecoder`` with
EncNet's fixed loss weights in its heads (CE 1.0, SE 0.2, AUX 0.4). They start
from the same weights and take training steps (``model.train_step``:
preprocessing, forward, losses, backward, update, then the logging of the
step's values as each runtime does it) on the same random batches,
alternating which goes first, after a warm-up. mtlw uses the config's
optimizer wrapper (``SyncFreeOptimWrapper``, fused optimizer) and keeps the
logged values on the device until every ``--log-interval``-th step; stock
mmseg uses MMEngine's ``OptimWrapper`` with the optimizer as torch defaults
it and puts every value into the message hub each step. The median step
times, images/s and their ratio are printed.

Example (CPU, MobileNetV2 EncNet, 128x128, batch 2)::

    python tools/benchmark_train.py configs/encnet/synthscenes_cov.py \\
        --size 128 128 --batch 2 --steps 20

and on a GPU, the paper's setting (384x384, batch 8), fp32 and bf16::

    python tools/benchmark_train.py configs/encnet/pcontext_cov.py \\
        --device cuda --size 384 384 --batch 8 --dtype bf16 --channels-last

``--fast``: stock mmseg as it ships (fp32) against mtlw with the fast
preset (bf16 autocast, channels_last, cudnn.benchmark, fused optimizer,
sync-free logging; ``--compile-backbone`` adds ``torch.compile`` of its
backbone)::

    python tools/benchmark_train.py configs/encnet/pcontext_r50v1c_cov.py \\
        --device cuda --size 384 384 --batch 8 --fast --compile-backbone

With ``--count-host-reads`` it instead trains the config (any family) for
``--iters`` iterations with MMEngine's runner, the logger every
``--log-interval``, and prints the host reads per training iteration by
source (:mod:`mtlw.utils.host_reads`), then the same for stock mmseg's
``EncoderDecoder`` with the same model, trained as mmseg trains (MMEngine's
runtime-info hook, log processor and optimizer wrapper) when the config is
an EncNet one::

    python tools/benchmark_train.py configs/encnet/synthscenes_cov.py \\
        --count-host-reads --iters 20 --log-interval 10
"""
import argparse
import copy
import os.path as osp
import statistics
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import mtlw  # noqa: F401  (compat layer and registration come first)
import torch
from mmengine.config import Config, DictAction
from mmengine.logging import MessageHub, MMLogger
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper, build_optim_wrapper
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mtlw.engine import DeviceScalarLog, SyncFreeOptimWrapper
from mtlw.registry import MODELS
from mtlw.utils import short_run_cfg, synchronize
from mtlw.utils.host_reads import HostReadCounter, watch_runner

#: EncNet's hand-tuned loss weights, set in the stock model's heads.
STOCK_LOSS_WEIGHTS = {
    ('decode_head', 'loss_decode'): 1.0,
    ('decode_head', 'loss_se_decode'): 0.2,
    ('auxiliary_head', 'loss_decode'): 0.4,
}
#: mmseg's heads of mtlw's EncNet heads (which log accuracy by argmax).
STOCK_HEADS = {
    'decode_head': {'ArgmaxEncHead': 'EncHead'},
    'auxiliary_head': {'ArgmaxFCNHead': 'FCNHead'},
}
DTYPES = {'fp32': None, 'bf16': torch.bfloat16}


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
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
    parser.add_argument('--fast', action='store_true',
                        help='mtlw with the fast preset (bf16 autocast, '
                        'channels_last, cudnn.benchmark, fused optimizer, '
                        'sync-free logging), stock mmseg as it ships')
    parser.add_argument('--compile-backbone', action='store_true',
                        help='torch.compile the backbone (mtlw\'s only '
                        'with --fast)')
    parser.add_argument('--count-host-reads', action='store_true',
                        help='count host reads per training iteration '
                        'instead of timing')
    parser.add_argument('--iters', type=int, default=20,
                        help='--count-host-reads: training iterations')
    parser.add_argument('--log-interval', type=int, default=10,
                        help='logger interval')
    return parser.parse_args(argv)


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


class AutocastSyncFreeOptimWrapper(AutocastOptimWrapper,
                                   SyncFreeOptimWrapper):
    """:class:`AutocastOptimWrapper` over mtlw's ``SyncFreeOptimWrapper``."""


@dataclass
class Setting:
    """How one model of the pair trains.

    Attributes:
        dtype (str): ``'fp32'`` or ``'bf16'`` (autocast).
        channels_last (bool): The channels_last memory format.
        compile_backbone (bool): ``torch.compile`` the backbone.
    """

    dtype: str = 'fp32'
    channels_last: bool = False
    compile_backbone: bool = False


def pair_settings(dtype: str = 'fp32', channels_last: bool = False,
                  fast: bool = False, compile_backbone: bool = False
                  ) -> Dict[str, Setting]:
    """The settings of the stock and the mtlw model.

    Without ``fast`` both take ``dtype`` and ``channels_last``. With it,
    stock mmseg trains as it ships (fp32, contiguous) and mtlw with the
    fast preset: bf16 autocast, channels_last and, if asked, a compiled
    backbone (cudnn.benchmark is set for both, as mmseg's runtime does;
    fused optimizer and sync-free logging are mtlw's defaults anyway).
    """
    if fast:
        return dict(stock=Setting(),
                    mtlw=Setting('bf16', True, compile_backbone))
    return {name: Setting(dtype, channels_last, compile_backbone)
            for name in ('stock', 'mtlw')}


def stock_model_cfg(model_cfg: dict) -> dict:
    """mmseg's EncoderDecoder with the fixed weights in its heads.

    Args:
        model_cfg (dict): The ``model`` of an mtlw EncNet config.

    Returns:
        dict: The same model as a stock mmseg ``EncoderDecoder``.
    """
    cfg = copy.deepcopy(model_cfg)
    cfg['type'] = 'EncoderDecoder'
    for head in STOCK_HEADS:
        if cfg.get(head) is not None and cfg[head]['type'] in STOCK_HEADS[
                head]:
            cfg[head]['type'] = STOCK_HEADS[head][cfg[head]['type']]
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


def build_pair(cfg: Config, device: str,
               settings: Optional[Dict[str, Setting]] = None
               ) -> Dict[str, BaseModel]:
    """The stock and the mtlw model of ``cfg``, with the same weights."""
    settings = settings or pair_settings()
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
    for name, model in models.items():
        setting = settings[name]
        memory_format = (torch.channels_last if setting.channels_last
                         else torch.contiguous_format)
        model.to(device=device, memory_format=memory_format)
        model.train()
        if setting.channels_last:
            model.backbone.register_forward_pre_hook(
                lambda module, args: (args[0].contiguous(
                    memory_format=torch.channels_last), *args[1:]))
        if setting.compile_backbone:
            model.backbone.compile()
    return models


def build_optim(cfg: Config, model: BaseModel, dtype: str, device: str,
                stock: bool = False) -> OptimWrapper:
    """The optimizer of the config (mtlw) or of stock mmseg (MMEngine's
    wrapper, the optimizer as torch defaults it); its forward under
    autocast for bf16."""
    optim_cfg = (stock_optim_cfg(cfg.optim_wrapper) if stock
                 else copy.deepcopy(cfg.optim_wrapper))
    if DTYPES[dtype] is not None:
        optim_cfg['type'] = (AutocastOptimWrapper if stock
                             else AutocastSyncFreeOptimWrapper)
        optim_cfg['device_type'] = torch.device(device).type
        optim_cfg['dtype'] = DTYPES[dtype]
    with DefaultScope.overwrite_default_scope('mmseg'):
        return build_optim_wrapper(model, optim_cfg)


class StepLogger:
    """What the runner does with a step's log variables.

    Stock (MMEngine's ``RuntimeInfoHook``): every value into the message
    hub, one host read each. mtlw (``SyncFreeRuntimeInfoHook``): kept on
    the device, read in one transfer every ``interval`` steps.

    Args:
        name (str): A message-hub name of its own.
        sync_free (bool): mtlw's way.
        interval (int): Logger interval (mtlw's reads).
    """

    def __init__(self, name: str, sync_free: bool, interval: int) -> None:
        self.hub = MessageHub.get_instance(f'{name}_{time.time_ns()}')
        self.log = (DeviceScalarLog.get_instance(self.hub.instance_name)
                    if sync_free else None)
        self.interval = interval
        self.count = 0

    def __call__(self, log_vars: dict) -> None:
        """Log one step's ``log_vars``."""
        self.count += 1
        values = {f'train/{k}': v for k, v in log_vars.items()}
        if self.log is None:
            for key, value in values.items():
                self.hub.update_scalar(key, value)
            return
        self.log.add(values)
        if self.count % self.interval == 0:
            self.log.flush(self.hub)


def benchmark(cfg: Config, device: str = 'cpu', dtype: str = 'fp32',
              channels_last: bool = False, size: Sequence[int] = (128, 128),
              batch_size: int = 2, warmup: int = 3, steps: int = 20,
              fast: bool = False, compile_backbone: bool = False,
              log_interval: int = 10) -> Dict[str, List[float]]:
    """Seconds per training step of the stock and the mtlw model.

    A step is ``model.train_step`` (preprocessing, forward, losses,
    backward, update) and the logging of its values as each runtime does
    it (:class:`StepLogger`).

    Args:
        cfg (Config): An mtlw EncNet config.
        device (str): Where both models run.
        dtype (str): ``'fp32'`` or ``'bf16'`` (autocast), both models.
        channels_last (bool): Use the channels_last memory format.
        size (tuple): (H, W) of the images.
        batch_size (int): Images per step.
        warmup (int): Untimed steps of each model first.
        steps (int): Timed steps of each model.
        fast (bool): mtlw with the fast preset, stock as it ships
            (:func:`pair_settings`); overrides ``dtype``/``channels_last``.
        compile_backbone (bool): ``torch.compile`` mtlw's backbone (with
            ``fast``) or both backbones.
        log_interval (int): Logger interval.

    Returns:
        dict: ``{'stock': [seconds, ...], 'mtlw': [seconds, ...]}``.
    """
    cfg = copy.deepcopy(cfg)
    preprocessor = cfg.model.data_preprocessor
    preprocessor.size, preprocessor.size_divisor = tuple(size), None
    settings = pair_settings(dtype, channels_last, fast, compile_backbone)
    if fast and device.startswith('cuda'):
        torch.backends.cudnn.benchmark = True
    models = build_pair(cfg, device, settings)
    optims = {name: build_optim(cfg, model, settings[name].dtype, device,
                                stock=name == 'stock')
              for name, model in models.items()}
    loggers = {name: StepLogger(f'benchmark_{name}', name == 'mtlw',
                                log_interval) for name in models}
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
            loggers[name](models[name].train_step(batch, optims[name]))
            synchronize(device)
            if index >= warmup:
                times[name].append(time.perf_counter() - start)
    return times


def stock_optim_cfg(optim_cfg: dict) -> dict:
    """MMEngine's ``OptimWrapper`` with the optimizer as torch defaults it
    (no ``fused``/``foreach`` choice), as stock mmseg configs have it."""
    cfg = copy.deepcopy(optim_cfg)
    cfg['type'] = 'OptimWrapper'
    for key in ('fused', 'foreach'):
        cfg['optimizer'].pop(key, None)
    return cfg


def stock_runtime_cfg(cfg: Config) -> Config:
    """How stock mmseg trains the same EncNet: its ``EncoderDecoder`` with
    the fixed loss weights, MMEngine's runtime-info hook, log processor and
    optimizer wrapper, no mtlw hook."""
    cfg = copy.deepcopy(cfg)
    cfg.model = stock_model_cfg(cfg.model)
    cfg.optim_wrapper = stock_optim_cfg(cfg.optim_wrapper)
    cfg.default_hooks.runtime_info = dict(type='RuntimeInfoHook')
    cfg.log_processor = dict(type='LogProcessor', by_epoch=False)
    cfg.custom_hooks = []
    return cfg


def count_host_reads(cfg: Config, iters: int = 20, interval: int = 10,
                     batch_size: Optional[int] = None, device: str = 'cpu',
                     stock: Optional[bool] = None
                     ) -> Dict[str, HostReadCounter]:
    """Train ``cfg`` (and its stock mmseg twin) briefly, counting host reads.

    Args:
        cfg (Config): An mtlw training config.
        iters (int): Training iterations of each run.
        interval (int): Logger interval.
        batch_size (int, optional): Replaces the config's batch size.
        device (str): The device the runner trains on (it takes a GPU when
            there is one).
        stock (bool, optional): Also run stock mmseg's ``EncoderDecoder``;
            by default when the config is an EncNet one.

    Returns:
        dict[str, HostReadCounter]: ``'mtlw'`` and, if run, ``'stock'``.
    """
    runs = {'mtlw': cfg}
    if stock is None:
        stock = has_stock_twin(cfg)
    if stock:
        runs['stock'] = stock_runtime_cfg(cfg)
    counters = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, run_cfg in runs.items():
            run_cfg = short_run_cfg(run_cfg, osp.join(tmp, name), iters,
                                    interval, batch_size)
            run_cfg.experiment_name = f'host_reads_{name}_{time.time_ns()}'
            runner = Runner.from_cfg(run_cfg)
            counters[name] = HostReadCounter(device)
            watch_runner(runner, counters[name])
            with counters[name]:
                runner.train()
    return counters


def has_stock_twin(cfg: Config) -> bool:
    """Whether stock mmseg has the config's model (an EncNet one)."""
    try:
        stock_model_cfg(cfg.model)
    except KeyError:
        return False
    return True


def logging_iterations(iters: int, interval: int) -> List[int]:
    """The 1-based iterations at which the logger writes."""
    return [i for i in range(1, iters + 1) if i % interval == 0 or i == iters]


def format_host_reads(counter: HostReadCounter, label: str, iters: int,
                      interval: int) -> List[str]:
    """The report of one run: mean reads per non-logging and per logging
    iteration by source, those of CPU-resident tensors apart."""
    logged = logging_iterations(iters, interval)
    others = [i for i in range(1, iters + 1) if i not in logged]
    lines = [f'{label}: host reads per training iteration ({iters} '
             f'iterations, logger every {interval})']
    sections = (
        ('non-logging iterations', others, False, 'step'),
        ('logging iterations', logged, False, 'step'),
        ('end of training (after_train)', [iters], False, 'end'),
        ('tensors staying on the CPU in a GPU run, all iterations',
         range(1, iters + 1), True, 'step'),
        ('reading the next batch (CPU data pipeline), all iterations',
         range(1, iters + 1), False, 'data'))
    for title, iterations, resident, phase in sections:
        mean, sources = counter.summary(iterations, resident, phase)
        lines.append(f'  {title}: {mean:g} per iteration')
        for source, count in sources.most_common():
            lines.append(f'    {count:8g}  {source}')
    return lines


def report_host_reads(args: argparse.Namespace, cfg: Config) -> None:
    """Run ``--count-host-reads`` and print the counts."""
    counters = count_host_reads(cfg, args.iters, args.log_interval,
                                args.batch, args.device)
    labels = dict(mtlw=f'mtlw {cfg.model.type} '
                  f'({cfg.model.get("weighter", {}).get("type")})',
                  stock='stock mmseg EncoderDecoder (fixed weights)')
    for name, counter in counters.items():
        lines = format_host_reads(counter, labels[name], args.iters,
                                  args.log_interval)
        print('\n'.join(lines))
    if 'stock' not in counters:
        print(f'(no stock mmseg twin of {cfg.model.type})')


def main() -> None:
    args = parse_args()
    MMLogger.get_instance('benchmark_train', log_level='WARNING')
    if args.threads:
        torch.set_num_threads(args.threads)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    if args.count_host_reads:
        print(f'{args.config}: {args.device}')
        return report_host_reads(args, cfg)
    times = benchmark(cfg, args.device, args.dtype, args.channels_last,
                      args.size, args.batch, args.warmup, args.steps,
                      args.fast, args.compile_backbone, args.log_interval)
    device = (torch.cuda.get_device_name(args.device)
              if args.device.startswith('cuda')
              else f'cpu, {torch.get_num_threads()} threads')
    print(f'{args.config}: {device}, batch {args.batch}, '
          f'{args.size[0]}x{args.size[1]}, {args.steps} timed steps each '
          f'after {args.warmup} warm-up steps, interleaved, logger every '
          f'{args.log_interval}')
    settings = pair_settings(args.dtype, args.channels_last, args.fast,
                             args.compile_backbone)
    medians = {name: statistics.median(t) for name, t in times.items()}
    labels = dict(stock='stock mmseg EncoderDecoder (fixed weights)',
                  mtlw=f'mtlw {cfg.model.type} '
                  f'({cfg.model.weighter["type"]})')
    for name, median in medians.items():
        print(f'{labels[name]:<58} {1000 * median:9.1f} ms/step '
              f'{args.batch / median:8.1f} img/s  {settings[name]}')
    print(f'speed ratio mtlw / stock: {medians["stock"] / medians["mtlw"]:.3f}'
          ' (stock median step time / mtlw median step time)')


if __name__ == '__main__':
    main()
