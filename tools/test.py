"""Evaluate a checkpoint: ``python tools/test.py CONFIG CKPT [options]``."""
import argparse
import os
import os.path as osp

import mtlw  # noqa: F401  (compat layer and registration come first)
from mmengine.config import DictAction
from mmengine.runner import Runner

from mtlw.engine.checkpoint_check import (CheckpointError,
                                          check_state_dict_fits,
                                          read_state_dict)
from mtlw.engine.launch import load_config
from mtlw.models.backbones import without_pretrained_weights


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test with mtlw')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='where the metrics are written')
    parser.add_argument(
        '--out', help='directory for the raw predictions (mmseg format)')
    parser.add_argument(
        '--show-dir', help='directory for painted predictions')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config entries, key=value')
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none', help='job launcher (dist_test.sh sets pytorch)')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def add_visualization(cfg, show_dir: str) -> None:
    """Paint every sample into ``show_dir`` (image, prediction and ground
    truth of each task), in place of mmseg's hook, which rereads image files
    and builds the training loop."""
    cfg.default_hooks.visualization = dict(
        type='MultiTaskVisualizationHook', out_dir=show_dir)


def main() -> None:
    args = parse_args()
    try:
        state = read_state_dict(args.checkpoint)
    except CheckpointError as error:
        raise SystemExit(f'tools/test.py: {error}') from None
    work_dir = args.work_dir or osp.join(
        './work_dirs', osp.splitext(osp.basename(args.config))[0])
    cfg = load_config(args.config, args.launcher, work_dir, args.cfg_options)
    cfg.load_from = args.checkpoint
    # the checkpoint holds the encoder too: no ImageNet weights to fetch
    without_pretrained_weights(cfg.model)
    if args.show_dir:
        add_visualization(cfg, args.show_dir)
    if args.out:
        cfg.test_evaluator['output_dir'] = args.out
        cfg.test_evaluator['keep_results'] = True
    runner = Runner.from_cfg(cfg)
    try:
        check_state_dict_fits(state, runner.model, args.checkpoint)
    except CheckpointError as error:
        raise SystemExit(f'tools/test.py: {error}') from None
    del state  # mmengine loads the checkpoint into the model itself
    runner.test()


if __name__ == '__main__':
    main()
