"""Non-finite losses in real training loops: the runner's iteration in the
messages, the logged count, and two gloo ranks deciding alike."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.runner import Runner

import tests._fixtures.nonfinite_hooks  # noqa: F401  (registers the hooks)
from mtlw.weighting import NonFiniteLossError
from tests._fixtures.dist import ROOT, free_port
from tests._fixtures.toy import toy_runner_cfg

pytestmark = pytest.mark.slow


def toy_runner(tmp_path, nonfinite, poisoned, max_iters=4):
    cfg = toy_runner_cfg(
        str(tmp_path), max_iters,
        dict(type='CoVWeighting', nonfinite=nonfinite))
    cfg['custom_hooks'] = cfg['custom_hooks'] + [
        dict(type='PoisonBatchHook', iters=poisoned)]
    return Runner.from_cfg(cfg)


def test_raise_names_the_logged_iteration(tmp_path):
    runner = toy_runner(tmp_path, 'raise', poisoned=[3])
    with pytest.raises(NonFiniteLossError, match=r'at iteration 3 '):
        runner.train()


def test_skipped_steps_are_counted_and_logged(tmp_path, capsys):
    runner = toy_runner(tmp_path, 'skip', poisoned=[2, 3])
    runner.train()
    weighter = runner.model.weighter
    assert int(weighter.step) == 2
    assert runner.message_hub.get_scalar(
        'train/nonfinite/skipped').current() == 2
    text = capsys.readouterr().out
    # one warning per skipped step, each naming its iteration
    for iteration, count in ((2, 1), (3, 2)):
        assert (f"['b.loss_l1'] at iteration {iteration} given to "
                f'CoVWeighting; {count} non-finite step(s) so far') in text
    assert 'nonfinite/skipped: 2' in text


@pytest.mark.parametrize('nonfinite', ['skip', 'mask'])
def test_two_gloo_ranks_decide_alike(tmp_path, nonfinite):
    """Only rank 1 sees the NaN at iteration 3: both ranks skip (or mask)
    it and end with identical, finite parameters and weighter states."""
    env = dict(os.environ, PORT=str(free_port()), OMP_NUM_THREADS='1',
               PYTHONPATH=ROOT, PYTHON=sys.executable)
    env.pop('CUDA_VISIBLE_DEVICES', None)
    result = subprocess.run(
        ['bash', osp.join(ROOT, 'tools', 'dist_train.sh'),
         osp.join(ROOT, 'tests', 'data', 'toy_nonfinite_config.py'), '2',
         '--work-dir', str(tmp_path), '--cfg-options',
         f'model.weighter.nonfinite={nonfinite}'],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    ranks = [torch.load(tmp_path / f'params_rank{r}.pth') for r in (0, 1)]
    for step_0, step_1 in zip(*ranks):
        for name, value in step_0.items():
            assert torch.isfinite(value).all(), name
            assert torch.equal(step_1[name], value), name
    states = [torch.load(tmp_path / f'weighter_rank{r}.pth') for r in (0, 1)]
    assert int(states[0]['step']) == int(states[1]['step']) == 5
    for key, value in states[0].items():
        assert torch.equal(states[1][key], value), key
    params = ranks[0]
    if nonfinite == 'skip':  # iteration 3 changed nothing
        for name, value in params[1].items():
            assert torch.equal(params[2][name], value), name
    else:  # the head of the masked loss only: untouched but for momentum
        assert not torch.equal(params[2]['trunk.weight'],
                               params[1]['trunk.weight'])
    assert 'at iteration 3 given to CoVWeighting' in log
