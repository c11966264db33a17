"""Resume continues a run exactly; load_from starts the weighter fresh."""
import copy
import glob
import os.path as osp
import random

import numpy as np
import pytest
import torch
from mmengine.runner import Runner
from torch import nn

from mtlw.engine import RNGStateHook
from mtlw.registry import DATASETS, MODELS
from mtlw.weighting import WeighterStateError
from tests._fixtures.toy import (ToyRegressionDataset, ToyTwoLossModel,
                                 toy_runner_cfg)

COV = dict(type='CoVWeighting')


@MODELS.register_module(force=True)
class ToyDropoutModel(ToyTwoLossModel):
    """The toy model with dropout in its trunk."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.trunk = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5))


@MODELS.register_module(force=True)
class ToyRenamedModel(ToyTwoLossModel):
    """The toy model whose second loss has another name."""

    def forward(self, *args, mode='loss', **kwargs):
        out = super().forward(*args, mode=mode, **kwargs)
        if mode == 'loss':
            out['c.loss_l1'] = out.pop('b.loss_l1')
        return out


@DATASETS.register_module(force=True)
class ToyAugmentedDataset(ToyRegressionDataset):
    """Adds noise drawn from the global python, numpy and torch streams,
    like random data augmentation does."""

    def prepare_data(self, idx):
        data = dict(super().prepare_data(idx))
        noise = (np.random.randn(4) * 0.1 + random.gauss(0, 0.1)) \
            * torch.rand(1).item()
        data['inputs'] = data['inputs'] + torch.as_tensor(noise).float()
        return data


def runner(work_dir, max_iters, weighter=COV, **kwargs):
    cfg = toy_runner_cfg(str(work_dir), max_iters, copy.deepcopy(weighter),
                         **kwargs)
    return Runner.from_cfg(cfg)


def train(work_dir, max_iters, weighter=COV, **kwargs):
    run = runner(work_dir, max_iters, weighter, **kwargs)
    run.train()
    return run


def weighter_state(run):
    return {k: v for k, v in run.model.state_dict().items()
            if k.startswith('weighter.')}


def log_text(run):
    return open(osp.join(run.log_dir, f'{run.timestamp}.log')).read()


@pytest.mark.slow
@pytest.mark.parametrize('weighter,seed,workers', [
    (COV, 0, 0),
    (COV, None, 0),
    (dict(type='RLW', seed=3), None, 2),
])
def test_kill_and_resume_equals_uninterrupted_run(tmp_path, weighter, seed,
                                                  workers):
    """Dropout, augmentation noise and the sampler draw the same numbers
    in 6 + 6 iterations as in 12; everything ends bitwise equal."""
    def run(work_dir, iters, seed, **kwargs):
        loader = dict(
            dataset=dict(type='ToyAugmentedDataset'),
            sampler=dict(type='InfiniteSampler', shuffle=True),
            collate_fn=dict(type='default_collate'),
            batch_size=4, num_workers=workers)
        return train(work_dir, iters, weighter,
                     model=dict(type='ToyDropoutModel', weighter=weighter),
                     train_dataloader=loader,
                     randomness=dict(seed=seed), **kwargs)

    first = run(tmp_path / 'split', 6, seed)
    # seed=None: the resumed run draws a new seed and must take the first's
    straight = run(tmp_path / 'straight', 12, first.seed)
    resumed = run(tmp_path / 'split', 12, seed, resume=True)
    assert seed is not None or resumed.seed == first.seed
    assert resumed.iter == 12
    expected, got = straight.model.state_dict(), resumed.model.state_dict()
    assert set(expected) == set(got)
    assert len(weighter_state(resumed)) > 3
    for key, value in expected.items():
        assert torch.equal(got[key], value), key


def test_validation_does_not_move_the_training_stream():
    hook = RNGStateHook()
    torch.manual_seed(1)
    hook.before_val(None)
    torch.rand(3), np.random.rand(), random.random()
    hook.after_val(None)
    after_val = torch.rand(3)
    torch.manual_seed(1)
    assert torch.equal(torch.rand(3), after_val)


@pytest.mark.slow
def test_resume_with_another_weighter_type_names_both(tmp_path):
    train(tmp_path, 4)
    with pytest.raises(WeighterStateError,
                       match=r"saved by CoVWeighting.*weighter is DWA"):
        train(tmp_path, 6, dict(type='DWA'), resume=True)


@pytest.mark.slow
def test_resume_uncertainty_into_cov_fails_before_the_optimizer(tmp_path):
    train(tmp_path, 4, dict(type='UncertaintyWeighting', num_losses=2))
    with pytest.raises(WeighterStateError,
                       match=r'UncertaintyWeighting.*CoVWeighting'):
        train(tmp_path, 6, COV, resume=True)


@pytest.mark.slow
def test_resume_with_other_loss_names_names_both(tmp_path):
    train(tmp_path, 4)
    with pytest.raises(KeyError) as info:
        train(tmp_path, 6, resume=True,
              model=dict(type='ToyRenamedModel', weighter=COV))
    message = str(info.value)
    assert "restored from a checkpoint for the losses ['a.loss_l2', " \
        "'b.loss_l1'] but got ['a.loss_l2', 'c.loss_l1']" in message


@pytest.mark.slow
def test_checkpoint_without_type_code_still_resumes(tmp_path):
    train(tmp_path, 4)
    path = osp.join(tmp_path, 'iter_4.pth')
    ckpt = torch.load(path, weights_only=False)
    del ckpt['state_dict']['weighter.weighter_type_code']
    torch.save(ckpt, path)
    resumed = train(tmp_path, 6, resume=True)
    assert int(resumed.model.weighter.step) == 6
    assert 'missing keys' not in log_text(resumed)


@pytest.mark.slow
def test_load_from_starts_the_weighter_fresh_and_says_so(tmp_path):
    source = train(tmp_path / 'a', 4)
    ckpt = osp.join(tmp_path / 'a', 'iter_4.pth')
    for name in ('CoVWeighting', 'DWA'):
        weighter = dict(type=name)
        loaded = runner(tmp_path / name, 4, weighter,
                        load_from=ckpt)
        loaded.load_or_resume()
        fresh = runner(tmp_path / 'fresh', 4, weighter)
        for key, value in weighter_state(fresh).items():
            assert torch.equal(weighter_state(loaded)[key], value), key
        assert loaded.model.weighter.loss_names is None
        assert torch.equal(loaded.model.trunk.weight,
                           source.model.trunk.weight)
        assert (f'load_from {ckpt}: the saved weighter state (CoVWeighting '
                'after 4 steps: weighter.step,') in log_text(loaded)
        assert f'{name} starts fresh' in log_text(loaded)


@pytest.mark.slow
def test_load_weighter_state_keeps_it(tmp_path):
    source = train(tmp_path / 'a', 4)
    ckpt = osp.join(tmp_path / 'a', 'iter_4.pth')
    loaded = runner(tmp_path / 'b', 4, load_from=ckpt,
                    load_weighter_state=True)
    loaded.load_or_resume()
    state = weighter_state(loaded)
    for key, value in weighter_state(source).items():
        assert torch.equal(state[key], value), key
    assert 'starts fresh' not in log_text(loaded)
    other = runner(tmp_path / 'c', 4, dict(type='DWA'), load_from=ckpt,
                   load_weighter_state=True)
    with pytest.raises(WeighterStateError, match='CoVWeighting.*DWA'):
        other.load_or_resume()


@pytest.mark.slow
def test_every_checkpoint_carries_rng_states(tmp_path):
    train(tmp_path, 2)
    ckpt = torch.load(glob.glob(osp.join(tmp_path, 'iter_2.pth'))[0],
                      weights_only=True)
    assert set(ckpt['rng_states']) >= {'python', 'numpy', 'torch'}
