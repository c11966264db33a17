"""The monodepth configs: every one builds, every weighter takes training
steps on the 32 losses, and one config per model / dataset pair trains and
validates for 2 iterations on fixture data, shrunk."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mtlw.models.losses import monodepth_loss_names
from mtlw.registry import MODELS
from mtlw.utils import read_scalars
from tests._fixtures.monodepth_fixtures import write_cityscapes, write_kitti

CONFIG_DIR = osp.join(osp.dirname(__file__), '..', '..', 'configs')
CONFIGS = sorted(
    glob.glob(osp.join(CONFIG_DIR, 'monodepth', '*.py')))
WEIGHTERS = ('equal', 'handtuned', 'cov', 'cov_decay', 'uncertainty',
             'gradnorm', 'mgda', 'ssim_only', 'l1_only')
LOSSES = sorted(f'depth.{name}' for name in monodepth_loss_names(4))
REPRESENTATIVES = ['monodepth/kitti_cov.py',
                   'monodepth/cityscapes_cov.py',
                   'monodepth/synthscenes_cov.py']
TINY_MODEL = {
    'model.backbone.model_name': 'resnet18',
    'model.decode_head.in_channels': [64, 64, 128, 256, 512],
    'model.decode_head.channels': [16, 8, 8, 8, 8],
}


def config_name(path: str) -> str:
    return osp.relpath(path, CONFIG_DIR)


def load(name: str, tiny: bool = True) -> Config:
    cfg = Config.fromfile(osp.join(CONFIG_DIR, name))
    if tiny:
        cfg.merge_from_dict(TINY_MODEL)
    return cfg


def build_model(cfg: Config):
    with DefaultScope.overwrite_default_scope('mmseg'):
        return MODELS.build(cfg.model)


def test_the_issue_lists_every_config():
    names = {config_name(p) for p in CONFIGS}
    for weighter in WEIGHTERS:
        assert f'monodepth/kitti_{weighter}.py' in names
        assert f'monodepth/cityscapes_{weighter}.py' in names
    assert 'monodepth/synthscenes_cov.py' in names


def test_the_paper_settings():
    kitti, city = load('monodepth/kitti_cov.py', False), load(
        'monodepth/cityscapes_cov.py', False)
    for cfg in (kitti, city):
        assert cfg.model.backbone.model_name == 'resnet50'
        assert cfg.optim_wrapper.optimizer == dict(type='Adam', lr=1e-4,
                                                   fused=True)
        assert cfg.train_dataloader.batch_size == 8
        assert cfg.img_scale == (256, 512)
        # Cityscapes-trained models are evaluated on KITTI Eigen too
        assert cfg.val_dataloader.dataset.type == 'KittiStereoDataset'
        # the authors' evaluation: the 652 frames with improved ground
        # truth, no crop, 1e-3 .. 80 m
        assert cfg.val_dataloader.dataset.ann_file == \
            'split:kitti/eigen_benchmark_test_files.txt'
        assert cfg.val_dataloader.dataset.gt_depth == 'png'
        assert cfg.val_evaluator == dict(type='PerImageDepthMetric',
                                         min_depth=1e-3,
                                         max_depth=80.0, crop=None)
    assert kitti.train_cfg.max_epochs == 30 and not kitti.param_scheduler
    assert city.train_cfg.max_epochs == 100
    assert city.param_scheduler[0].milestones == [30, 40]
    assert city.param_scheduler[0].gamma == 0.5
    assert city.train_dataloader.dataset.crop_bottom == 0.2
    assert tuple(city.train_dataloader.dataset.split) == ('train',
                                                          'train_extra')
    assert kitti.model.loss.padding_mode == 'zeros'


def test_handtuned_and_single_loss_weights():
    hand = load('monodepth/kitti_handtuned.py', False).model.weighter
    assert sorted(hand.weights) == LOSSES and hand.normalize
    assert hand.weights['depth.loss_ssim_s2_r'] == 0.85
    assert hand.weights['depth.loss_l1_s0_l'] == 0.15
    assert hand.weights['depth.loss_lr_s3_l'] == 1.0
    assert hand.weights['depth.loss_smooth_s1_r'] == 0.1
    ssim = load('monodepth/cityscapes_ssim_only.py', False).model.weighter
    assert sorted(k for k, v in ssim.weights.items() if v) == [
        n for n in LOSSES if '_ssim_' in n]


@pytest.mark.parametrize('path', CONFIGS, ids=config_name)
def test_every_config_builds(path):
    cfg = load(config_name(path))
    model = build_model(cfg)
    assert type(model.weighter).__name__ == cfg.model.weighter.type
    if cfg.model.get('shared'):
        model.get_submodule(cfg.model.shared)


def test_the_paper_model_builds_with_resnet50():
    model = build_model(load('monodepth/kitti_cov.py', tiny=False))
    assert model.decode_head.in_channels == [64, 256, 512, 1024, 2048]


def stereo_batch(seed: int) -> dict:
    torch.manual_seed(seed)
    samples = []
    for _ in range(2):
        sample = SegDataSample()
        sample.img_right = PixelData(data=torch.rand(3, 32, 64) * 255)
        samples.append(sample)
    return dict(inputs=[torch.rand(3, 32, 64) * 255 for _ in range(2)],
                data_samples=samples)


@pytest.mark.slow
@pytest.mark.parametrize('weighter', WEIGHTERS)
def test_every_weighter_takes_training_steps(weighter):
    """The KITTI configs share one model: two steps with each weighter."""
    cfg = load(f'monodepth/kitti_{weighter}.py')
    model = build_model(cfg)
    model.weighter.bind_runtime(iters_per_epoch=1)
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    for seed in range(2):
        log_vars = model.train_step(stereo_batch(seed), optim_wrapper)
    assert sorted(model.weighter.loss_names) == LOSSES
    assert torch.isfinite(log_vars['loss'])
    assert torch.isfinite(model.weighter.latest_weights).all()


SINGLE_SCALE = sorted(f'depth.{name}' for name in monodepth_loss_names(1))


@pytest.mark.slow
@pytest.mark.parametrize('weighter', ['handtuned', 'ssim_only', 'gradnorm',
                                      'mgda', 'uncertainty'])
def test_single_scale_kitti_trains_on_8_losses(weighter):
    """The supplement's KITTI setting: one scale, two extra convs."""
    cfg = load(f'monodepth/kitti_1scale_{weighter}.py')
    model = build_model(cfg)
    assert len(model.decode_head.extra_convs) == 2
    model.weighter.bind_runtime(iters_per_epoch=1)
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    for seed in range(2):
        log_vars = model.train_step(stereo_batch(seed), optim_wrapper)
    assert sorted(model.weighter.loss_names) == SINGLE_SCALE
    assert torch.isfinite(log_vars['loss'])
    weights = dict(zip(model.weighter.loss_names,
                       model.weighter.latest_weights.tolist()))
    if weighter == 'handtuned':  # (0.15, 0.85, 1, 0.1) x 2 sides, sum 1
        assert weights['depth.loss_lr_s0_l'] == pytest.approx(1 / 4.2)
    if weighter == 'ssim_only':
        assert weights['depth.loss_ssim_s0_r'] == pytest.approx(0.5)
    if weighter == 'gradnorm':
        tensors = model.weighter._differentiated_tensors()
        assert len(tensors) == 1
        assert tensors[0] is model.decode_head.extra_convs[1].conv.weight


def shrink(cfg: Config, data_root: str, work_dir: str) -> None:
    """Tiny model and images, 2 iterations, validation at the end."""
    cfg.work_dir = work_dir
    cfg.merge_from_dict({'train_dataloader.batch_size': 2,
                         'default_hooks.logger.interval': 1})
    cfg.default_hooks.checkpoint = None
    cfg.experiment_name = cfg.visualizer.name = work_dir
    cfg.visualizer.vis_backends = [dict(type='LocalVisBackend')]
    if cfg.train_cfg.type == 'EpochBasedTrainLoop':
        # the fixtures hold one batch: two epochs of one iteration
        cfg.train_cfg.max_epochs = cfg.train_cfg.val_interval = 2
    else:
        cfg.train_cfg.max_iters = cfg.train_cfg.val_interval = 2
    for loader in (cfg.train_dataloader, cfg.val_dataloader):
        loader.num_workers = 0
        loader.persistent_workers = False
        dataset = loader.dataset
        if dataset.type == 'SynthScenesStereoDataset':
            dataset.num_samples, dataset.img_size = 4, (32, 64)
            continue
        if dataset.type == 'CityscapesStereoDataset':
            dataset.data_root = osp.join(data_root, 'city')
            for split in dataset.split:
                write_cityscapes(dataset.data_root, split)
            dataset.indices = 2  # one batch, of the first split
        else:
            dataset.data_root = write_kitti(osp.join(data_root, 'kitti'))
            dataset.ann_file = 'eigen_test_files.txt'
        for step in dataset.pipeline:
            if step.type == 'StereoResize':
                step.scale = (32, 64)
    cfg.test_dataloader = cfg.val_dataloader


@pytest.mark.slow
@pytest.mark.parametrize('name', REPRESENTATIVES)
def test_two_iterations_train_and_validate_on_fixtures(name, tmp_path):
    cfg = load(name)
    shrink(cfg, str(tmp_path / 'data'), str(tmp_path / 'work'))
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 2
    records = read_scalars(str(tmp_path / 'work'))
    assert any('abs_rel' in r and 'delta3' in r for r in records), records
    logged = {k for r in records for k in r if k.startswith('weight/')}
    assert sorted(logged) == [f'weight/{n}' for n in LOSSES]
