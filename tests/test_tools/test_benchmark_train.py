"""tools/benchmark_train.py: the stock model it compares with, and a run."""
import importlib.util
import os.path as osp

import pytest
import torch
from mmengine.config import Config

ROOT = osp.join(osp.dirname(__file__), '..', '..')
CONFIG = osp.join(ROOT, 'configs', 'encnet', 'synthscenes_cov.py')


def load_tool():
    spec = importlib.util.spec_from_file_location(
        'benchmark_train', osp.join(ROOT, 'tools', 'benchmark_train.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = load_tool()


def test_stock_model_has_the_fixed_weights_in_its_heads():
    cfg = tool.stock_model_cfg(Config.fromfile(CONFIG).model)
    assert cfg['type'] == 'EncoderDecoder' and 'weighter' not in cfg
    assert cfg['decode_head']['type'] == 'EncHead'
    assert cfg['auxiliary_head']['type'] == 'FCNHead'
    assert cfg['decode_head']['loss_decode']['loss_weight'] == 1.0
    assert cfg['decode_head']['loss_se_decode']['loss_weight'] == 0.2
    assert cfg['auxiliary_head']['loss_decode']['loss_weight'] == 0.4


@pytest.mark.slow
def test_both_models_compute_the_same_losses():
    models = tool.build_pair(Config.fromfile(CONFIG), 'cpu')
    batch = tool.random_batches(6, 2, (32, 32), count=1)[0]
    losses = {}
    for name, model in models.items():
        model.eval()
        data = model.data_preprocessor(batch, True)
        with torch.no_grad():
            losses[name] = model.loss(data['inputs'], data['data_samples'])
    for key, weight in (('decode.loss_ce', 1.0), ('decode.loss_se', 0.2),
                        ('aux.loss_ce', 0.4)):
        torch.testing.assert_close(losses['stock'][key],
                                   weight * losses['mtlw'][key])


def test_ce_only_models_are_refused():
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'encnet',
                                   'synthscenes_ce_only.py'))
    with pytest.raises(KeyError, match='model.auxiliary_head.loss_decode'):
        tool.stock_model_cfg(cfg.model)


@pytest.mark.slow
def test_benchmark_times_every_step_of_both():
    times = tool.benchmark(Config.fromfile(CONFIG), dtype='bf16',
                           channels_last=True, size=(32, 32), batch_size=2,
                           warmup=1, steps=2)
    assert sorted(times) == ['mtlw', 'stock']
    assert all(len(t) == 2 and min(t) > 0 for t in times.values())


def test_stock_runtime_is_mmengines():
    cfg = tool.stock_runtime_cfg(Config.fromfile(CONFIG))
    assert cfg.optim_wrapper['type'] == 'OptimWrapper'
    assert 'fused' not in cfg.optim_wrapper['optimizer']
    assert cfg.default_hooks.runtime_info == dict(type='RuntimeInfoHook')
    assert cfg.log_processor['type'] == 'LogProcessor'
    assert cfg.custom_hooks == []


def test_fast_preset_changes_mtlw_only():
    settings = tool.pair_settings('fp32', False, fast=True,
                                  compile_backbone=True)
    assert settings['stock'] == tool.Setting()
    assert settings['mtlw'] == tool.Setting('bf16', True, True)
    plain = tool.pair_settings('bf16', True)
    assert plain['stock'] == plain['mtlw'] == tool.Setting('bf16', True)


def test_step_loggers_read_as_their_runtimes_do():
    values = dict(loss=torch.tensor(1.5), acc=torch.tensor(3))
    stock = tool.StepLogger('stock', sync_free=False, interval=2)
    mtlw = tool.StepLogger('mtlw', sync_free=True, interval=2)
    for logger in (stock, mtlw):
        logger(values)
    assert stock.hub.get_scalar('train/loss').current() == 1.5
    assert 'train/loss' not in mtlw.hub.log_scalars  # still on the device
    mtlw(values)
    assert list(mtlw.hub.get_scalar('train/acc').data[0]) == [3, 3]


@pytest.mark.slow
def test_count_host_reads_lists_both_runs_by_source(capsys):
    cfg = Config.fromfile(CONFIG)
    counters = tool.count_host_reads(cfg, iters=4, interval=2, batch_size=2)
    assert sorted(counters) == ['mtlw', 'stock']
    lines = tool.format_host_reads(counters['stock'], 'stock', 4, 2)
    assert lines[1] == '  non-logging iterations: 10 per iteration'
    assert any('mmengine/logging/message_hub.py' in line for line in lines)
    lines = tool.format_host_reads(counters['mtlw'], 'mtlw', 4, 2)
    assert lines[1] == '  non-logging iterations: 0 per iteration'
