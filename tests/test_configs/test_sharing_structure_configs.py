"""The 5-conv sharing structures of the synergy supplement (Tables 1-2) as
configs: two training steps of the SynthScenes twins with a loss-based
(Uncertainty Weighting) and gradient-based weighters, and the fine-tuned
structure's two stages."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mtlw.utils.benchmark import build_training
from tests._fixtures.converters import ROOT

SYNERGY = osp.join(ROOT, 'configs', 'synergy')


def twin(name: str) -> Config:
    cfg = Config.fromfile(osp.join(SYNERGY, f'synthscenes_conv5_{name}'
                                            '_handtuned.py'))
    cfg.train_dataloader.dataset.img_size = (32, 64)
    return cfg


@pytest.mark.parametrize('name, shared', [
    ('branchout_s2', 'common'),
    ('mergein', 'common'),
    ('cascade_seg_depth', 'columns.seg'),
])
@pytest.mark.parametrize('weighter', [
    dict(type='UncertaintyWeighting', num_losses=3),
    dict(type='GradNorm', alpha=1.5),
    dict(type='MGDA', mode='representation'),
], ids=['uncertainty', 'gradnorm', 'mgda'])
def test_two_steps_with_a_loss_and_a_gradient_weighter(name, shared,
                                                       weighter):
    cfg = twin(name)
    assert cfg.model.shared == shared
    torch.manual_seed(0)
    model, optim_wrapper, batch = build_training(cfg, 2, weighter)
    module = model.get_submodule(shared)
    before = [p.detach().clone() for p in module.parameters()]
    for _ in range(2):
        log_vars = model.train_step(batch, optim_wrapper)
    terms = [key for key in log_vars if '.loss_' in key]
    assert sorted(terms) == ['depth.loss_da', 'depth.loss_jg',
                             'seg.loss_focal']
    weights = model.weighter.latest_weights
    assert weights.shape == (3, ) and torch.isfinite(weights).all()
    assert all(not torch.equal(old, new.detach())
               for old, new in zip(before, module.parameters()))


def tiny_run(cfg: Config, work_dir: str) -> Runner:
    """Two steps on 32 x 64 scenes, a checkpoint at the end, no
    validation."""
    cfg.work_dir = work_dir
    cfg.train_dataloader.dataset.img_size = (32, 64)
    cfg.train_dataloader.batch_size = 2
    cfg.train_dataloader.num_workers = 0
    cfg.train_dataloader.persistent_workers = False
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=2,
                         val_interval=100)
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook',
                                        by_epoch=False, interval=2)
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.visualization = dict(type='SegVisualizationHook')
    cfg.visualizer.vis_backends = [dict(type='LocalVisBackend')]
    cfg.experiment_name = cfg.visualizer.name = work_dir
    cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
    cfg.test_dataloader = cfg.test_cfg = cfg.test_evaluator = None
    return Runner.from_cfg(cfg)


@pytest.mark.slow
@pytest.mark.parametrize('first, second', [('seg', 'depth'),
                                           ('depth', 'seg')])
def test_fine_tuned_structure_loads_the_first_stage(first, second,
                                                    tmp_path):
    stage_one = tiny_run(twin(f'single_{first}'), str(tmp_path / 'one'))
    stage_one.train()
    checkpoint = tmp_path / 'one' / 'iter_2.pth'
    assert checkpoint.is_file()
    cfg = twin(f'finetune_{first}_{second}')
    # the documented first stage: that config's run of tools/reproduce
    assert cfg.load_from == (
        'last:work_dirs/reproduce_synthscenes/synergy/synthscenes_conv5_'
        f'single_{first}_handtuned/seed0')
    assert list(cfg.model.tasks) == [second]
    cfg.load_from = f"last:{tmp_path / 'one'}"
    stage_two = tiny_run(cfg, str(tmp_path / 'two'))
    stage_two.load_or_resume()
    old, new = stage_one.model.state_dict(), stage_two.model.state_dict()
    common = [key for key in new if key.startswith('common.')]
    assert len(common) > 10
    for key in common:
        assert torch.equal(old[key], new[key]), key
    assert f'heads.{first}.weight' in old
    assert not any(key.startswith(f'heads.{first}') for key in new)
    assert not torch.equal(new[f'heads.{second}.weight'].flatten()[:4],
                           old[f'heads.{first}.weight'].flatten()[:4])
    stage_two.train()  # the new head trains from there
    assert stage_two.iter == 2


def test_the_4_class_settings():
    proposed = Config.fromfile(osp.join(SYNERGY,
                                        'nyuv2_4_lateral_handtuned.py'))
    assert proposed.model.type == 'SynergyNet'
    assert proposed.model.backbone.model_name == 'resnet50'
    assert proposed.model.tasks.seg.channels == 4
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert proposed[loader].dataset.num_classes == 4
    branch = Config.fromfile(osp.join(
        SYNERGY, 'nyuv2_4_conv5_branchout_s2_handtuned.py'))
    assert branch.model.type == 'SharingStructureNet'
    assert branch.model.tasks.seg.channels == 4
    assert branch.model.channels == (64, 128, 256, 256, 256)
    assert branch.train_dataloader.dataset.num_classes == 4
    assert 'backbone' not in branch.model


@pytest.mark.parametrize('task', ['depth', 'seg'])
def test_single_task_twins_evaluate_their_task_alone(task):
    cfg = twin(f'single_{task}')
    assert cfg.val_evaluator.type == 'MultiTaskMetric'
    assert list(cfg.val_evaluator.tasks) == [task]
    assert list(cfg.model.tasks) == [task]
