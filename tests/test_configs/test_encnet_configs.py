"""The EncNet configs: every one builds, every weighter takes training steps
on the SynthScenes model, and one config per distinct model and dataset
trains and validates for 2 iterations on fixture data, shrunk."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from mtlw.models.backbones import without_pretrained_weights
from mtlw.registry import MODELS
from mtlw.utils import read_scalars
from tests._fixtures.encnet_fixtures import seg_batch, write_pascal_context

CONFIG_DIR = osp.join(osp.dirname(__file__), '..', '..', 'configs')
CONFIGS = sorted(
    glob.glob(osp.join(CONFIG_DIR, 'encnet', '*.py')))
ENCNET_LOSSES = ['aux.loss_ce', 'decode.loss_ce', 'decode.loss_se']
# One config per distinct model / dataset pair.
REPRESENTATIVES = [
    'encnet/pcontext_cov.py', 'encnet/pcontext_ce_only.py',
    'encnet/pcontext_r50v1c_cov.py', 'encnet/synthscenes_cov.py',
    'encnet/synthscenes_ce_only.py'
]
# Small heads for a ResNet-18 sized backbone (channels 64..512).
SMALL_HEADS = {
    'model.decode_head.in_channels': [128, 256, 512],
    'model.decode_head.channels': 32,
    'model.auxiliary_head.in_channels': 256,
    'model.auxiliary_head.channels': 16,
}


def config_name(path: str) -> str:
    return osp.relpath(path, CONFIG_DIR)


def build_model(cfg: Config):
    with DefaultScope.overwrite_default_scope('mmseg'):
        return MODELS.build(without_pretrained_weights(cfg.model))


def test_the_issue_lists_every_config():
    names = {config_name(p) for p in CONFIGS}
    weighters = ('ce_only', 'equal', 'handtuned', 'cov', 'cov_decay',
                 'uncertainty', 'gradnorm', 'mgda', 'dwa', 'lsb')
    for weighter in weighters:
        assert f'encnet/pcontext_{weighter}.py' in names
        assert f'encnet/synthscenes_{weighter}.py' in names


@pytest.mark.parametrize('path', CONFIGS, ids=config_name)
def test_every_config_builds(path):
    cfg = Config.fromfile(path)
    model = build_model(cfg)
    assert type(model.weighter).__name__ == cfg.model.weighter.type
    if cfg.model.get('shared'):
        model.get_submodule(cfg.model.shared)  # the shared module exists


@pytest.mark.slow
@pytest.mark.parametrize(
    'path', [p for p in CONFIGS if 'synthscenes_' in p], ids=config_name)
def test_every_weighter_takes_training_steps(path):
    """The SynthScenes twins share one model: two steps with each weighter."""
    cfg = Config.fromfile(path)
    torch.manual_seed(0)
    model = build_model(cfg)
    model.weighter.bind_runtime(iters_per_epoch=1)
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    num_classes = cfg.model.decode_head.num_classes
    for seed in range(2):
        log_vars = model.train_step(seg_batch(num_classes, seed=seed),
                                    optim_wrapper)
    expected = ['decode.loss_ce'] if 'ce_only' in path else ENCNET_LOSSES
    assert sorted(model.weighter.loss_names) == expected
    assert sorted(k for k in log_vars if '.loss' in k) == expected
    assert torch.isfinite(log_vars['loss'])
    assert torch.isfinite(model.weighter.latest_weights).all()


def test_pcontext_follows_the_paper_schedule():
    cfg = Config.fromfile(osp.join(CONFIG_DIR, 'encnet', 'pcontext_cov.py'))
    assert cfg.optim_wrapper.optimizer.type == 'SGD'
    assert cfg.optim_wrapper.optimizer.lr == 1e-4
    assert cfg.param_scheduler[0].type == 'PolyLR'
    assert cfg.train_dataloader.batch_size == 8
    assert cfg.crop_size == (384, 384)
    # 40 epochs of 4998 images at batch 8
    assert cfg.train_cfg.max_iters == 40 * -(-4998 // 8)
    assert cfg.model.decode_head.num_codes == 32
    assert cfg.model.backbone.output_stride == 8


def shrink(cfg: Config, data_root: str, work_dir: str) -> None:
    """Tiny images and backbone, 2 iterations, validation at the end."""
    cfg.work_dir = work_dir
    cfg.merge_from_dict({
        'train_dataloader.batch_size': 2,
        'train_cfg.max_iters': 2,
        'train_cfg.val_interval': 2,
        'default_hooks.logger.interval': 1,
    })
    cfg.default_hooks.checkpoint = None
    # mmengine keeps visualizers and loggers by name: one per run
    cfg.experiment_name = cfg.visualizer.name = work_dir
    cfg.visualizer.vis_backends = [dict(type='LocalVisBackend')]
    for loader in (cfg.train_dataloader, cfg.val_dataloader):
        loader.num_workers = 0
        loader.persistent_workers = False
    train_set = cfg.train_dataloader.dataset
    val_set = cfg.val_dataloader.dataset
    if cfg.dataset_type == 'PascalContext59Dataset':
        train_set.data_root = val_set.data_root = data_root
        cfg.model.data_preprocessor.size = (32, 32)
        for step in train_set.pipeline + val_set.pipeline:
            if step.type in ('RandomResize', 'Resize'):
                step.scale = (48, 48)
            if step.type == 'RandomCrop':
                step.crop_size = (32, 32)
        backbone = cfg.model.backbone
        backbone.pretrained = False
        if backbone.type == 'ResNetV1cEncoder':
            backbone.depth = 18
        else:
            backbone.model_name = 'resnet18'
        has_aux = cfg.model.auxiliary_head is not None
        cfg.merge_from_dict({k: v for k, v in SMALL_HEADS.items()
                             if has_aux or 'auxiliary' not in k})
    else:
        for dataset, num in ((train_set, 4), (val_set, 2)):
            dataset.num_samples = num
            dataset.img_size = (32, 64)
    cfg.test_dataloader = cfg.val_dataloader


@pytest.mark.slow
@pytest.mark.parametrize('name', REPRESENTATIVES)
def test_two_iterations_train_and_validate_on_fixtures(name, tmp_path):
    cfg = Config.fromfile(osp.join(CONFIG_DIR, name))
    data_root = write_pascal_context(tmp_path / 'data')
    shrink(cfg, data_root, str(tmp_path / 'work'))
    runner = Runner.from_cfg(cfg)
    runner.train()
    records = read_scalars(str(tmp_path / 'work'))
    assert runner.iter == 2
    assert any('mIoU' in r for r in records), records
    assert any('aAcc' in r for r in records), records
    logged = {k for r in records for k in r if k.startswith('weight/')}
    expected = ['decode.loss_ce'] if 'ce_only' in name else ENCNET_LOSSES
    assert sorted(logged) == [f'weight/{n}' for n in expected]
