"""The DeepLabV3+ and synergy configs: the grid is generated and current,
every config's weighter takes its network's loss keys, and one config per
setting trains and validates for 2 iterations on fixtures, shrunk."""
import glob
import importlib.util
import math
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mtlw.registry import MODELS, WEIGHTERS
from mtlw.utils import read_scalars
from tests._fixtures.depth_seg_fixtures import (write_cityscapes,
                                                write_kitti_stereo2015,
                                                write_miniscapes,
                                                write_nyuv2_40)

ROOT = osp.join(osp.dirname(__file__), '..', '..')
CONFIG_DIR = osp.join(ROOT, 'configs')
spec = importlib.util.spec_from_file_location(
    'generate_configs', osp.join(ROOT, 'tools', 'generate_configs.py'))
generator = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generator)

CONFIGS = sorted(
    glob.glob(osp.join(CONFIG_DIR, 'deeplab', '*.py')) +
    glob.glob(osp.join(CONFIG_DIR, 'synergy', '*.py')))
REPRESENTATIVES = [
    'deeplab/cityscapes_joint_equal.py',
    'deeplab/miniscapes_distilled_uncertainty.py',
    'deeplab/synthscenes_branched_gradnorm.py',
    'deeplab/miniscapes_branched_se_report_berhu_tta.py',
    'synergy/nyuv2_40_lateral_mgda.py',
    'synergy/kitti_cityscapes_weak_lateral_cov.py',
    'synergy/synthscenes_branchout_s2_equal.py',
    'synergy/synthscenes_weak_lateral_famo.py',
    'synergy/nyuv2_4_conv5_mergein_handtuned.py',
]


def config_name(path: str) -> str:
    return osp.relpath(path, CONFIG_DIR)


def shrink_model(cfg: Config) -> None:
    """ResNet18 and narrow heads (a narrow SegNet, 4-wide convs for the
    5-conv nets)."""
    model = cfg.model
    if model.type == 'SegNetPredictor':
        model.backbone = dict(type='SegNet', channels=(4, 8, 8))
        return
    if model.type == 'SharingStructureNet':
        model.channels = (4, 4, 4, 4, 4)
        return
    model.backbone.model_name = 'resnet18'
    model.backbone.pretrained = False
    if model.type in ('SynergyNet', 'FCRN'):
        model.channels = (16, 8, 8, 8, 4)
    else:
        model.aspp = dict(channels=8)
        model.decoder = dict(channels=8, skip_channels=4)


def tiny_batch(model, seed=0):
    generator_ = torch.Generator().manual_seed(seed)
    samples = []
    for _ in range(2):
        sample = SegDataSample()
        if 'seg' in model.tasks:
            sample.gt_sem_seg = PixelData(data=torch.randint(
                0, model.tasks['seg'].channels, (1, 64, 64),
                generator=generator_))
        sample.gt_depth_map = PixelData(
            data=torch.rand(1, 64, 64, generator=generator_) * 5 + 1)
        samples.append(sample)
    return torch.rand(2, 3, 64, 64, generator=generator_), samples


_LOSS_KEYS = {}


def loss_keys(cfg: Config):
    """The loss keys of a config's (shrunk) network, one build per net."""
    key = (cfg.model.type, cfg.model.get('split'), str(cfg.model.tasks))
    if key not in _LOSS_KEYS:
        shrink_model(cfg)
        with DefaultScope.overwrite_default_scope('mmseg'):
            model = MODELS.build(cfg.model)
        inputs, samples = tiny_batch(model)
        _LOSS_KEYS[key] = [name for name in model.loss(inputs, samples)
                           if 'loss' in name]
    return _LOSS_KEYS[key]


def test_every_config_of_the_two_families_is_generated():
    generated = {osp.normpath(osp.join(ROOT, path))
                 for path in generator.render_all()
                 if path.startswith(('configs/deeplab/', 'configs/synergy/'))}
    assert generated == {osp.normpath(path) for path in CONFIGS}


@pytest.mark.slow
@pytest.mark.parametrize('path', CONFIGS, ids=config_name)
def test_every_weighter_takes_its_networks_losses(path):
    cfg = Config.fromfile(path)
    keys = loss_keys(cfg)
    weighter = WEIGHTERS.build(cfg.model.weighter).eval()
    total, weights = weighter({key: torch.tensor(1.0 + index)
                               for index, key in enumerate(keys)})
    assert torch.isfinite(total) and list(weights) == keys
    if weighter.needs_shared:
        assert cfg.model.shared in ('backbone', 'common') or \
            cfg.model.shared.startswith('columns.')


ABLATIONS = ('joint_scratch_nodil_plain', 'joint_pretrained_nodil_plain',
             'joint_pretrained_plain', 'joint_pretrained')


@pytest.mark.parametrize('name', ABLATIONS)
def test_the_reports_ablation_configs_build(name):
    """Argenziano and Pagani, sections 1.2-1.3: one factor at a time."""
    cfg = Config.fromfile(osp.join(CONFIG_DIR, 'deeplab',
                                   f'miniscapes_{name}_equal.py'))
    backbone = cfg.model.backbone
    assert backbone.output_stride == (32 if 'nodil' in name else 16)
    assert backbone.pretrained == ('pretrained' in name)
    if backbone.pretrained:
        assert backbone.pretrained_cfg_overlay.file.endswith('.pth')
    plain = 'plain' in name
    assert (cfg.model.aspp is None) == plain
    assert cfg.model.get('skip', True) != plain
    backbone.update(model_name='resnet18', pretrained=False)
    cfg.model.decoder = dict(channels=8, skip_channels=4)
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = MODELS.build(cfg.model)
    assert (model.head.decoder.skip is None) == plain
    maps = model(torch.rand(1, 3, 64, 64), mode='tensor')
    assert maps['depth'].shape == (1, 1, 64, 64)


@pytest.mark.parametrize('name, keys', [
    ('lateral_l2_ce', ['depth.loss_l2', 'seg.loss_ce']),
    ('lateral_l1_ce', ['depth.loss_l1', 'seg.loss_ce']),
    ('lateral_da_ce', ['depth.loss_da', 'seg.loss_ce']),
    ('lateral_da_focal', ['depth.loss_da', 'seg.loss_focal']),
    ('lateral', ['depth.loss_da', 'depth.loss_jg', 'seg.loss_focal']),
])
def test_the_synergy_loss_ablations_build(name, keys):
    """Jiao et al., supplementary Table 8 (lower part), summed losses."""
    cfg = Config.fromfile(osp.join(CONFIG_DIR, 'synergy',
                                   f'nyuv2_40_{name}_handtuned.py'))
    assert sorted(loss_keys(cfg)) == keys
    assert cfg.model.weighter.weights == {key: 1.0 for key in keys}


@pytest.mark.parametrize('task, keys, best', [
    ('depth', ['depth.loss_da', 'depth.loss_jg'], 'depth/rmse'),
    ('seg', ['seg.loss_focal'], 'seg/mIoU'),
])
def test_the_synergy_single_task_baselines(task, keys, best):
    cfg = Config.fromfile(osp.join(CONFIG_DIR, 'synergy',
                                   f'nyuv2_40_{task}_only_handtuned.py'))
    assert list(cfg.val_evaluator.tasks) == [task]
    assert cfg.test_evaluator == cfg.val_evaluator
    assert cfg.default_hooks.checkpoint.save_best == best
    shrink_model(cfg)
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = MODELS.build(cfg.model)
    assert list(model.branches) == [task] and not model.laterals
    inputs, samples = tiny_batch(model)
    losses = model.loss(inputs, samples)
    assert sorted(k for k in losses if 'loss' in k) == keys
    total, _ = model.parse_losses(losses)
    assert torch.isfinite(total)


def test_the_papers_settings():
    branched = Config.fromfile(osp.join(CONFIG_DIR, 'deeplab',
                                        'miniscapes_branched_equal.py'))
    model = branched.model
    assert model.backbone.model_name == 'resnet34.tv_in1k'  # torchvision's
    assert model.backbone.pretrained
    assert model.backbone.output_stride == 16
    assert model.aspp == dict(channels=256, dilations=(3, 6, 9))
    assert model.decoder == dict(channels=256, skip_channels=48)
    assert branched.optim_wrapper.optimizer.lr == 1e-4
    assert branched.train_dataloader.batch_size == 4
    assert branched.train_cfg.max_epochs == 16
    synergy = Config.fromfile(osp.join(CONFIG_DIR, 'synergy',
                                       'nyuv2_40_lateral_equal.py'))
    assert synergy.model.backbone.model_name == 'resnet50'
    assert synergy.model.channels == (1024, 512, 256, 128, 64)
    assert synergy.model.tasks.seg.channels == 40
    weak = Config.fromfile(osp.join(
        CONFIG_DIR, 'synergy', 'kitti_cityscapes_weak_lateral_equal.py'))
    assert weak.model.partial_labels


def shrink(cfg: Config, data_root: str, work_dir: str) -> None:
    """Tiny network and images, fixture data, 2 iterations, validation."""
    shrink_model(cfg)
    cfg.work_dir = work_dir
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=2,
                         val_interval=2)
    cfg.train_dataloader.batch_size = 2
    cfg.val_dataloader.batch_size = 1
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint = None
    cfg.experiment_name = cfg.visualizer.name = work_dir
    cfg.visualizer.vis_backends = [dict(type='LocalVisBackend')]
    for loader in (cfg.train_dataloader, cfg.val_dataloader):
        loader.num_workers = 0
        loader.persistent_workers = False
    train = cfg.train_dataloader.dataset
    datasets = train.datasets if train.type == 'ConcatDataset' else [train]
    for dataset in datasets + [cfg.val_dataloader.dataset]:
        if dataset.type == 'SynthScenesMultiTaskDataset':
            dataset.num_samples, dataset.img_size = 2, (32, 64)
            continue
        dataset.data_root = osp.join(data_root, dataset.type)
        for step in dataset.pipeline:
            if step.type in ('RandomResize', 'Resize'):
                step.scale = (64, 32)
            if step.type == 'RandomCrop':
                step.crop_size = (16, 32)
    cfg.test_dataloader = cfg.val_dataloader


def write_fixtures(root: str) -> str:
    write_cityscapes(osp.join(root, 'CityscapesDepthSegDataset'), 'train')
    write_cityscapes(osp.join(root, 'CityscapesDepthSegDataset'), 'val',
                     size=(32, 64))
    for split in ('train', 'val'):
        write_miniscapes(osp.join(root, 'MiniscapesDataset'), split,
                         size=(32, 64))
    for split in ('train', 'test'):
        write_nyuv2_40(osp.join(root, 'NYUv2Depth40Dataset'), split,
                       size=(32, 64))
    write_kitti_stereo2015(osp.join(root, 'KittiStereo2015DepthDataset'))
    return root


@pytest.mark.slow
@pytest.mark.parametrize('name', REPRESENTATIVES)
def test_two_iterations_train_and_validate_on_fixtures(name, tmp_path):
    cfg = Config.fromfile(osp.join(CONFIG_DIR, name))
    shrink(cfg, write_fixtures(str(tmp_path / 'data')),
           str(tmp_path / 'work'))
    runner = Runner.from_cfg(cfg)
    runner.train()
    records = read_scalars(str(tmp_path / 'work'))
    assert runner.iter == 2
    assert any('seg/mIoU' in r for r in records), records
    assert any('depth/rmse' in r for r in records), records
    logged = {k[len('weight/'):] for r in records for k in r
              if k.startswith('weight/')}
    assert logged == set(runner.model.weighter.loss_names)


def flat(value, prefix=''):
    """A config (dict) as ``{dotted key: leaf value}``."""
    if not isinstance(value, dict):
        return {prefix: value}
    items = {}
    for key, item in value.items():
        items.update(flat(item, f'{prefix}.{key}' if prefix else key))
    return items


def report_setting(name: str) -> dict:
    """What a step of the report chain sets: model, optimiser, schedule."""
    cfg = Config.fromfile(osp.join(CONFIG_DIR, 'deeplab',
                                   f'miniscapes_{name}.py'))
    return flat(dict(model=cfg.model.to_dict(),
                     optimizer=cfg.optim_wrapper.optimizer.to_dict(),
                     epochs=cfg.train_cfg.max_epochs,
                     batch=cfg.train_dataloader.batch_size))


def test_the_reports_starting_point():
    """Section 1.1: joint ResNet34 from random weights, last stage strided,
    no ASPP / skip, L2 on standardised depth, CE, Adam 1e-4 (0.9, 0.999),
    16 epochs, batch 4, weights 0.5 / 0.5."""
    start = report_setting('joint_report_base')
    expected = {
        'model.type': 'DeepLabJoint', 'model.aspp': None,
        'model.skip': False, 'model.backbone.output_stride': 32,
        'model.backbone.pretrained': False,
        'model.backbone.model_name': 'resnet34.tv_in1k',
        'model.tasks.depth.loss.penalty': 'l2',
        'model.tasks.seg.loss.gamma': 0.0,
        'model.depth_normalization.method': 'standard',
        'model.depth_normalization.mean': 27.0727,
        'model.depth_normalization.std': 29.1264,
        'model.test_scales': None,
        'model.weighter.type': 'StaticWeighting',
        'model.weighter.normalize': True,
        'optimizer.type': 'Adam', 'optimizer.lr': 1e-4,
        'optimizer.betas': (0.9, 0.999), 'epochs': 16, 'batch': 4}
    assert {key: start.get(key) for key in expected} == expected


# Each step of the chain against the step it starts from: the keys it may
# change (prefixes) and must change.
REPORT_STEPS = [
    ('joint_report_base', 'joint_report_base_sgd', {
        'optimizer.type': 'SGD', 'optimizer.lr': 0.1,
        'optimizer.momentum': 0.9, 'optimizer.weight_decay': 1e-4,
        'optimizer.betas': None, 'optimizer.fused': None}),
    ('joint_report_base', 'joint_report_base_seg0.2', {
        'model.weighter.weights.seg.loss_ce': 0.2,
        'model.weighter.weights.depth.loss_l2': 0.8,
        'model.weighter.normalize': None}),
    ('joint_report_base', 'joint_report_base_seg0.6', {
        'model.weighter.weights.seg.loss_ce': 0.6,
        'model.weighter.weights.depth.loss_l2': 0.4,
        'model.weighter.normalize': None}),
    ('joint_report_base', 'joint_report_pretrained', {
        'model.backbone.pretrained': True,
        'model.backbone.pretrained_cfg_overlay.file':
            'checkpoints/resnet34_tv_in1k.pth'}),
    ('joint_report_pretrained', 'joint_report_pretrained_dilated', {
        'model.backbone.output_stride': 16}),
    ('joint_report_pretrained_dilated', 'joint_report_l2', {
        'model.aspp': None, 'model.skip': None}),
    ('joint_report_l2', 'branched_report_l2', {
        'model.type': 'DeepLabBranched'}),
    ('joint_report_l2', 'distilled_report_l2', {
        'model.type': 'DeepLabDistilled'}),
    ('branched_report_l2', 'branched_se_report_l2', {
        'model.backbone.model_name': 'seresnet50', 'model.aspp.se': True,
        'model.decoder.se': True, 'model.backbone.pretrained_cfg_overlay':
            None}),
    ('branched_se_report_l2', 'branched_se_report_l2_minmax', {
        'model.depth_normalization': 'minmax'}),
    ('branched_se_report_l2', 'branched_se_report_l2_log', {
        'model.depth_normalization': 'log'}),
    ('branched_se_report_l2', 'branched_se_report_l1', {
        'model.tasks.depth.loss.penalty': 'l1'}),
    ('branched_se_report_l2', 'branched_se_report_berhu', {
        'model.tasks.depth.loss.penalty': 'berhu'}),
    ('branched_se_report_berhu', 'branched_se_report_berhu_tta', {
        'model.test_scales': (1.0, 0.5, 2.0, 3.0),
        'model.test_average': ('depth', )}),
]


@pytest.mark.parametrize('before, after, changes', REPORT_STEPS,
                         ids=[step[1] for step in REPORT_STEPS])
def test_the_report_chain_changes_one_thing_at_a_time(before, after,
                                                      changes):
    """Argenziano and Pagani change one factor per table (sections 1-4);
    a change given with None or a method only names the keys under it."""
    old, new = report_setting(before), report_setting(after)
    differing = {key for key in set(old) | set(new)
                 if old.get(key, 'absent') != new.get(key, 'absent')}
    touched = {key for key in differing
               if any(key == prefix or key.startswith(prefix + '.')
                      for prefix in changes)}
    assert touched == differing, differing - touched
    for key, value in changes.items():
        if key.endswith('depth_normalization'):
            assert new[f'{key}.method'] == value
            assert (new[f'{key}.min_depth'], new[f'{key}.max_depth']) == (
                4.0, 300.0)
        elif value is not None:
            assert new[key] == value, key


@pytest.mark.parametrize('name, model_type, keys', [
    ('encdec_l2', 'SegNetPredictor', ['depth.loss_l2']),
    ('encdec_da', 'SegNetPredictor', ['depth.loss_da']),
    ('laina_berhu', 'FCRN', ['depth.loss_berhu']),
    ('laina_da', 'FCRN', ['depth.loss_da']),
])
def test_the_table8_depth_baselines(name, model_type, keys):
    """Jiao et al., supplementary Table 8 (upper part): depth-only SegNet
    and FCRN with their own loss or L_DA, evaluated on depth alone."""
    cfg = Config.fromfile(osp.join(CONFIG_DIR, 'synergy',
                                   f'nyuv2_40_{name}_handtuned.py'))
    assert cfg.model.type == model_type and list(cfg.model.tasks) == ['depth']
    assert cfg.val_evaluator.type == 'MultiTaskMetric'
    assert list(cfg.val_evaluator.tasks) == ['depth']
    assert cfg.model.data_preprocessor.type == 'MultiTaskDataPreprocessor'
    if model_type == 'FCRN':  # Laina et al.: ImageNet ResNet-50
        assert cfg.model.backbone.model_name == 'resnet50'
        assert cfg.model.backbone.pretrained
        assert cfg.model.channels == (1024, 512, 256, 128, 64)
    else:
        assert 'backbone' not in cfg.model  # SegNet's own widths
    assert loss_keys(cfg) == keys
    assert cfg.model.weighter.weights == {keys[0]: 1.0}


@pytest.mark.slow
@pytest.mark.parametrize('name', [
    'synthscenes_encdec_l2_handtuned', 'synthscenes_encdec_da_handtuned',
    'synthscenes_laina_berhu_handtuned', 'synthscenes_laina_da_handtuned'])
def test_the_table8_depth_twins_train_two_iterations(name, tmp_path):
    cfg = Config.fromfile(osp.join(CONFIG_DIR, 'synergy', f'{name}.py'))
    shrink(cfg, str(tmp_path / 'data'), str(tmp_path / 'work'))
    runner = Runner.from_cfg(cfg)
    before = {key: value.detach().clone()
              for key, value in runner.model.state_dict().items()}
    runner.train()
    assert runner.iter == 2
    records = read_scalars(str(tmp_path / 'work'))
    assert any('depth/rmse' in r for r in records), records
    assert not any('seg/mIoU' in r for r in records)
    losses = [r[key] for r in records for key in r
              if key.startswith('depth.loss_')]
    assert losses and all(math.isfinite(value) for value in losses)
    changed = [key for key, value in runner.model.state_dict().items()
               if value.dtype.is_floating_point
               and not torch.equal(value, before[key])]
    assert any(key.startswith(('heads.', 'pred.')) for key in changed)
