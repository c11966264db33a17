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
    assert cfg['decode_head']['loss_decode']['loss_weight'] == 1.0
    assert cfg['decode_head']['loss_se_decode']['loss_weight'] == 0.2
    assert cfg['auxiliary_head']['loss_decode']['loss_weight'] == 0.4


@pytest.mark.slow
def test_both_models_compute_the_same_losses():
    models = tool.build_pair(Config.fromfile(CONFIG), 'cpu',
                             channels_last=False)
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
