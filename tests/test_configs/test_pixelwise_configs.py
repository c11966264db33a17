"""The pixelwise multi-task nets of the Loss Scale Balancing study
(configs/pixelwise): every config is generated, every config steps, three
representatives train 2 iterations and validate."""
import glob
import importlib.util
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from mtlw.registry import MODELS
from tests._fixtures.pixelwise_fixtures import (TINY_MODEL, fake_batch,
                                                write_nyuv2, write_taskonomy)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
spec = importlib.util.spec_from_file_location(
    'generate_configs', osp.join(ROOT, 'tools', 'generate_configs.py'))
generator = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generator)
CONFIGS = sorted(path for path in generator.render_all()
                 if path.startswith('configs/pixelwise/'))


def test_every_pixelwise_config_is_generated():
    on_disk = {osp.relpath(path, ROOT) for path in
               glob.glob(osp.join(ROOT, 'configs/pixelwise/*.py'))}
    assert on_disk == set(CONFIGS)
    assert len([c for c in CONFIGS
                if c.startswith('configs/pixelwise/nyuv2')]) == 48
    assert len([c for c in CONFIGS
                if c.startswith('configs/pixelwise/synthscenes')]) == 24


@pytest.mark.parametrize(
    'config', [c for c in CONFIGS if c.endswith(('_dwa.py', '_gradnorm.py'))])
def test_dwa_and_gradnorm_weights_start_at_one_over_k(config):
    # Lee, Lee and Kim start every rule at w = 1/K (supplement section 3).
    weighter = Config.fromfile(osp.join(ROOT, config)).model.weighter.outer
    assert weighter.normalize_to == 'one'


@pytest.mark.slow
@pytest.mark.parametrize('config', CONFIGS)
def test_every_config_builds_and_takes_a_step(config):
    cfg = Config.fromfile(osp.join(ROOT, config))
    cfg.merge_from_dict(dict(model=TINY_MODEL))
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = MODELS.build(cfg.model)
        wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    model.weighter.bind_runtime(iters_per_epoch=1)
    channels = {name: task['channels']
                for name, task in cfg.model.tasks.items()}
    log = model.train_step(fake_batch(channels), wrapper)
    assert torch.isfinite(log['loss'])
    names = model.weighter.loss_names
    assert {name.split('.')[0] for name in names} == set(channels)
    assert model.weighter.outer.loss_names == list(channels)
    expected_columns = len(channels) \
        if cfg.model.architecture == 'multi_column' else None
    assert getattr(model.backbone, 'columns', None) is None \
        or len(model.backbone.columns) == expected_columns


def tiny_run(cfg, work_dir):
    cfg.work_dir = str(work_dir)
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=-1)
    cfg.visualizer.vis_backends = [dict(type='LocalVisBackend')]
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].update(batch_size=2, num_workers=0,
                           persistent_workers=False)
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner


@pytest.mark.slow
def test_synthscenes_twin_trains_and_validates(tmp_path):
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/pixelwise/synthscenes_crossstitch_lsb.py'))
    cfg.merge_from_dict({
        'train_cfg.max_iters': 2, 'train_cfg.val_interval': 2,
        'train_dataloader.dataset.img_size': (32, 64),
        'train_dataloader.dataset.num_samples': 4,
        'val_dataloader.dataset.img_size': (32, 64),
        'val_dataloader.dataset.num_samples': 2})
    runner = tiny_run(cfg, tmp_path)
    metrics = runner.val_loop.run()
    assert {'depth/delta1', 'normal/angle_mean', 'seg/mIoU'} <= set(metrics)
    # the weighter's epoch is the loader's: 4 samples / batch 2
    assert runner.model.weighter.outer.period_length == 2


@pytest.mark.slow
def test_nyuv2_full_sharing_trains_and_validates(tmp_path):
    root = tmp_path / 'nyuv2'
    for split in ('train', 'val'):
        write_nyuv2(str(root), split, count=4, height=32, width=64)
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/pixelwise/nyuv2_mobilenetv2_fullshare_dwa.py'))
    cfg.merge_from_dict({
        'model': TINY_MODEL, 'train_cfg.max_epochs': 1,
        'train_cfg.val_interval': 1,
        'train_dataloader.dataset.data_root': str(root),
        'val_dataloader.dataset.data_root': str(root)})
    runner = tiny_run(cfg, tmp_path / 'work')
    assert runner.iter == 2
    assert runner.model.decoders['shared'].out_channels == 17


@pytest.mark.slow
def test_taskonomy_4task_trains_and_validates(tmp_path):
    root = tmp_path / 'taskonomy'
    views = [f'point_{i}_view_0' for i in range(4)]
    write_taskonomy(str(root), 'alpha', views, size=32)
    (root / 'splits').mkdir()
    for split in ('train', 'test'):
        (root / 'splits' / f'{split}.txt').write_text(
            ''.join(f'alpha {view}\n' for view in views))
    cfg = Config.fromfile(osp.join(
        ROOT, 'configs/pixelwise/taskonomy_4task_pnasnet_crossstitch_lsb.py'))
    cfg.merge_from_dict({
        'model': TINY_MODEL, 'train_cfg.max_epochs': 1,
        'train_cfg.val_interval': 1,
        'train_dataloader.dataset.data_root': str(root),
        'train_dataloader.dataset.img_size': (32, 32),
        'val_dataloader.dataset.data_root': str(root),
        'val_dataloader.dataset.img_size': (32, 32)})
    runner = tiny_run(cfg, tmp_path / 'work')
    metrics = runner.val_loop.run()
    assert set(metrics) == {'depth/error', 'normal/error', 'curvature/error',
                            'reshading/error'}
    assert torch.allclose(runner.model.neck.alpha.detach(),
                          torch.full((4, 4), 0.25), atol=1e-2)
