"""Train a model from a config: ``python tools/train.py CONFIG [options]``."""
import argparse
import logging
import os

import mtlw  # noqa: F401  (compat layer and registration come first)
import torch
from mmengine.config import DictAction
from mmengine.logging import print_log
from mmengine.runner import Runner

from mtlw.engine.launch import load_config


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train with mtlw')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='where logs and checkpoints go')
    parser.add_argument(
        '--resume', action='store_true',
        help='resume from the latest checkpoint in the work dir')
    parser.add_argument(
        '--amp', action='store_true',
        help='automatic mixed precision (mmengine AmpOptimWrapper, GPU)')
    parser.add_argument(
        '--weighter', metavar='NAME',
        help='train with the rule of configs/_base_/weighters/NAME.py (the '
        'rule across the tasks in multi-task configs), e.g. pcgrad')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config entries, key=value (e.g. '
        'train_cfg.max_iters=10 model.weighter.type=CoVWeighting)')
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none', help='job launcher (dist_train.sh sets pytorch)')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def enable_amp(cfg) -> None:
    """Switch the config's optimizer wrapper to mmengine's AMP wrapper."""
    if not torch.cuda.is_available():
        raise RuntimeError(
            '--amp needs a GPU: mmengine 0.10.7 AmpOptimWrapper runs on CUDA, '
            'NPU, MLU or MUSA devices only')
    wrapper = cfg.optim_wrapper
    if wrapper.get('type') == 'AmpOptimWrapper':
        print_log('AMP is already enabled in the config', logger='current',
                  level=logging.WARNING)
        return
    if wrapper.get('type', 'OptimWrapper') != 'OptimWrapper':
        raise ValueError('--amp needs optim_wrapper.type=OptimWrapper, got '
                         f'{wrapper.type}')
    wrapper.type = 'AmpOptimWrapper'
    wrapper.setdefault('loss_scale', 'dynamic')


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, args.launcher, args.work_dir,
                      args.cfg_options, args.weighter)
    if args.amp:
        enable_amp(cfg)
    cfg.resume = args.resume or cfg.get('resume', False)
    Runner.from_cfg(cfg).train()


if __name__ == '__main__':
    main()
