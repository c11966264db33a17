"""Timing helpers shared by the benchmark scripts in ``tools/``."""
import copy
import statistics
import time
import uuid
from typing import Callable, Optional, Tuple

import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope

from mtlw.registry import DATASETS, MODELS


def synchronize(device: str) -> None:
    """Wait for the device (no-op on CPU)."""
    if device.startswith('cuda'):
        torch.cuda.synchronize()


def time_per_call(fn: Callable[[], object], iters: int, warmup: int = 3,
                  device: str = 'cpu') -> float:
    """Median seconds per call of ``fn`` over ``iters`` calls, after warm-up.

    Args:
        fn (callable): The work to time.
        iters (int): Timed calls.
        warmup (int): Untimed calls first.
        device (str): Synchronised around every call when it is a GPU.

    Returns:
        float: Median seconds per call.
    """
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(iters):
        synchronize(device)
        start = time.perf_counter()
        fn()
        synchronize(device)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def build_training(cfg: Config, batch_size: int,
                   weighter: Optional[dict] = None, device: str = 'cpu'
                   ) -> Tuple[torch.nn.Module, object, dict]:
    """A config's model in train mode, its optimizer wrapper and one batch
    of its training set.

    Args:
        cfg (Config): A training config.
        batch_size (int): Samples in the batch.
        weighter (dict, optional): Replaces ``cfg.model.weighter``.
        device (str): Where the model runs.

    Returns:
        tuple: ``(model, optim_wrapper, batch)``.
    """
    cfg = copy.deepcopy(cfg)
    if weighter is not None:
        cfg.model.weighter = weighter
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope',
                                                      'mmseg')):
        model = MODELS.build(cfg.model).to(device)
        model.init_weights()
        dataset = DATASETS.build(cfg.train_dataloader.dataset)
        optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    batch = pseudo_collate([dataset[i] for i in range(batch_size)])
    model.train()
    return model, optim_wrapper, batch


def train_step_from_config(cfg: Config, batch_size: int,
                           weighter: Optional[dict] = None,
                           device: str = 'cpu') -> Callable[[], dict]:
    """A closure running one training step of a config's model.

    The model, its optimizer wrapper and one batch of the config's training
    set are built once (:func:`build_training`); each call runs
    ``model.train_step`` on that batch.

    Args:
        cfg (Config): A training config.
        batch_size (int): Samples in the batch.
        weighter (dict, optional): Replaces ``cfg.model.weighter``.
        device (str): Where the model runs.

    Returns:
        callable: ``step() -> log_vars``.
    """
    model, optim_wrapper, batch = build_training(cfg, batch_size, weighter,
                                                 device)

    def step() -> dict:
        return model.train_step(batch, optim_wrapper)

    return step


def short_run_cfg(cfg: Config, work_dir: str, iters: int, interval: int,
                  batch_size: Optional[int] = None) -> Config:
    """A copy of a training config for a short, in-process run.

    ``iters`` iterations (an iteration-based loop), the logger every
    ``interval`` iterations, no validation, checkpoint (but the last) or
    TensorBoard, the data read in the main process, a visualizer of its
    own.

    Args:
        cfg (Config): A training config.
        work_dir (str): Where the run writes its logs.
        iters (int): Training iterations.
        interval (int): Logger interval in iterations.
        batch_size (int, optional): Replaces the training batch size.

    Returns:
        Config: The changed copy.
    """
    cfg = copy.deepcopy(cfg)
    cfg.work_dir = work_dir
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=iters,
                         val_interval=iters + 1)
    for key in ('val_dataloader', 'val_cfg', 'val_evaluator',
                'test_dataloader', 'test_cfg', 'test_evaluator'):
        cfg[key] = None
    cfg.param_scheduler = []
    cfg.default_hooks.logger = dict(type='LoggerHook', interval=interval,
                                    log_metric_by_epoch=False)
    cfg.default_hooks.checkpoint = None
    cfg.default_hooks.pop('visualization', None)
    loader = cfg.train_dataloader
    loader.num_workers, loader.persistent_workers = 0, False
    if batch_size is not None:
        loader.batch_size = batch_size
    cfg.visualizer.vis_backends = [dict(type='LocalVisBackend')]
    # MMEngine reuses a visualizer of the same name (and its folder)
    cfg.visualizer.name = f'visualizer_{uuid.uuid4().hex[:8]}'
    cfg.log_level = 'WARNING'
    return cfg
