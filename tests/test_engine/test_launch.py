"""``--cfg-options model.weighter.type=...`` switches the weighting rule of
any config (``load_config``, shared by tools/train.py and tools/test.py)."""
import os.path as osp

import pytest
from mmengine.registry import DefaultScope

from mtlw.engine import launch
from mtlw.engine.launch import load_config
from mtlw.models.backbones import without_pretrained_weights
from mtlw.registry import MODELS

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def config_path(name: str) -> str:
    return osp.join(ROOT, 'configs', name)


def build_switched(name: str, **options):
    cfg = load_config(config_path(name), 'none', None, options)
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        return cfg, MODELS.build(without_pretrained_weights(cfg.model))


@pytest.mark.parametrize('config, options, expected', [
    # the two configs whose own weighter arguments broke the switch
    ('encnet/pcontext_uncertainty.py', {}, 'DWA'),
    ('pixelwise/nyuv2_mobilenetv2_crossstitch_cov.py', {}, 'DWA'),
    ('encnet/synthscenes_uncertainty.py',
     {'model.weighter.nonfinite': 'skip'}, 'DWA'),
    ('monodepth/kitti_uncertainty.py', {}, 'DWA'),
    ('monodepth/synthscenes_handtuned.py', {}, 'CoVWeighting'),
    ('pixelwise/synthscenes_crossstitch_cov.py', {}, 'RLW'),
    ('pixelwise/synthscenes_multidec_lsb.py', {}, 'StaticWeighting'),
    ('deeplab/synthscenes_branched_uncertainty.py', {}, 'FAMO'),
    ('deeplab/synthscenes_joint_gradnorm.py',
     {'model.weighter.mode': 'representation'}, 'MGDA'),
    ('synergy/synthscenes_lateral_uncertainty.py', {}, 'GLS'),
    ('synergy/synthscenes_weak_lateral_handtuned.py',
     {'model.weighter.num_losses': 3}, 'UncertaintyWeighting'),
])
def test_type_switch_replaces_the_whole_weighter(config, options, expected):
    cfg, model = build_switched(config, **options,
                                **{'model.weighter.type': expected})
    assert type(model.weighter).__name__ == expected
    new_args = {key.split('.')[-1]: value for key, value in options.items()}
    assert cfg.model.weighter.to_dict() == dict(type=expected, **new_args)


def test_whole_weighter_option_takes_a_type_name_and_arguments():
    cfg, model = build_switched('encnet/synthscenes_uncertainty.py', **{
        'model.weighter': 'DWA', 'model.weighter.temperature': 4.0})
    assert cfg.model.weighter.to_dict() == dict(type='DWA', temperature=4.0)
    assert model.weighter.temperature == 4.0


def test_argument_without_type_still_tunes_the_configs_weighter():
    cfg = load_config(config_path('encnet/pcontext_uncertainty.py'), 'none',
                      None, {'model.weighter.variant': 'kendall'})
    assert cfg.model.weighter.to_dict() == dict(
        type='UncertaintyWeighting', variant='kendall', num_losses=3)


def test_replacement_is_logged(monkeypatch):
    messages = []
    monkeypatch.setattr(launch, 'print_log',
                        lambda msg, **kwargs: messages.append(msg))
    load_config(config_path('encnet/pcontext_uncertainty.py'), 'none', None,
                {'model.weighter.type': 'DWA'})
    assert len(messages) == 1
    assert "'variant': 'cov_code'" in messages[0]
    assert messages[0].endswith("replaced by {'type': 'DWA'}")


@pytest.mark.parametrize('value', ['dict(type=DWA)', 3, ['DWA']])
def test_malformed_whole_weighter_option_names_the_forms(value):
    with pytest.raises(ValueError, match=r'model.weighter.type=DWA'):
        load_config(config_path('encnet/synthscenes_cov.py'), 'none', None,
                    {'model.weighter': value})


def test_gradient_rule_on_a_model_without_shared_says_what_to_set():
    with pytest.raises(ValueError, match=r'GradNorm .*set shared=\.\.\.'):
        build_switched('encnet/synthscenes_cov.py',
                       **{'model.weighter.type': 'GradNorm'})
    _, model = build_switched('encnet/synthscenes_cov.py', **{
        'model.weighter.type': 'GradNorm', 'model.shared': 'backbone'})
    assert type(model.weighter).__name__ == 'GradNorm'


def build_with_base(name: str, weighter: str, **options):
    cfg = load_config(config_path(name), 'none', None, options, weighter)
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        return cfg, MODELS.build(without_pretrained_weights(cfg.model))


def test_weighter_base_replaces_the_rule_across_the_tasks():
    cfg, model = build_with_base('pixelwise/synthscenes_multidec_cov.py',
                                 'mgda')
    assert cfg.model.weighter.type == 'HierarchicalWeighting'
    assert cfg.model.weighter.outer == dict(type='MGDA',
                                            mode='representation')
    assert type(model.weighter.outer).__name__ == 'MGDA'
    # options still apply on top of the base
    cfg, _ = build_with_base('encnet/synthscenes_cov.py', 'dwa',
                             **{'model.weighter.period': 3})
    assert cfg.model.weighter == dict(type='DWA', temperature=2.0, period=3)


def test_unknown_weighter_base_lists_the_bases():
    with pytest.raises(FileNotFoundError,
                       match=r"--weighter pcgard: .*'mgda'"):
        build_with_base('encnet/synthscenes_cov.py', 'pcgard')


def test_gloo_wrapper_keeps_per_rank_buffers(monkeypatch):
    """On CPU the DDP wrapper is set up here; like mmengine's GPU default it
    must not broadcast rank 0's buffers (per-rank weighter state) before
    every forward."""
    monkeypatch.setenv('MTLW_DIST_BACKEND', 'gloo')
    monkeypatch.setattr(launch.dist, 'is_initialized', lambda: False)
    monkeypatch.setattr(launch.dist, 'init_process_group',
                        lambda backend: None)
    monkeypatch.setenv('RANK', '0')
    cfg = load_config(config_path('encnet/synthscenes_cov.py'), 'none', None,
                      None)
    launch.setup_distributed(cfg)
    assert cfg.model_wrapper_cfg == dict(
        type='MMDistributedDataParallel', device_ids=None,
        broadcast_buffers=False)
