"""A weighted model trained by mmengine's Runner: logs, resume, checkpoints."""
import copy
import glob
import json
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.runner import Runner

from mtlw.utils import read_scalars, weight_series
from tests._fixtures.toy import toy_runner_cfg

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
pytestmark = pytest.mark.slow

WEIGHTER = dict(type='CoVWeighting')


def train(work_dir, max_iters, resume=False, weighter=WEIGHTER, **kwargs):
    cfg = toy_runner_cfg(str(work_dir), max_iters, copy.deepcopy(weighter),
                         resume=resume, **kwargs)
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner


def weighter_state(runner):
    return {k: v for k, v in runner.model.state_dict().items()
            if k.startswith('weighter.')}


def test_resume_continues_weighter_and_model_exactly(tmp_path):
    straight = train(tmp_path / 'straight', 6)
    train(tmp_path / 'split', 4)
    resumed = train(tmp_path / 'split', 6, resume=True)
    assert resumed.iter == 6
    expected, got = weighter_state(straight), weighter_state(resumed)
    assert set(expected) == set(got) and len(expected) > 2
    for key, value in straight.model.state_dict().items():
        torch.testing.assert_close(resumed.model.state_dict()[key], value,
                                   msg=key)


def test_weights_are_logged_per_loss_key(tmp_path):
    train(tmp_path, 4)
    log_file = glob.glob(str(tmp_path / '*' / 'vis_data' / 'scalars.json'))
    assert log_file, 'no scalars.json written'
    records = [json.loads(line) for line in open(log_file[0])]
    logged = [r for r in records if 'weight/a.loss_l2' in r]
    assert [r['iter'] for r in logged] == [2, 4]
    for record in logged:
        total = record['weight/a.loss_l2'] + record['weight/b.loss_l1']
        assert total == pytest.approx(1.0)
    # the non-loss value is logged but not weighted
    assert 'a.err' in records[0] and 'weight/a.err' not in records[0]


def test_load_from_checkpoint_restores_weighter_when_asked(tmp_path):
    runner = train(tmp_path / 'a', 4)
    ckpt = osp.join(tmp_path / 'a', 'iter_4.pth')
    cfg = toy_runner_cfg(str(tmp_path / 'b'), 4, copy.deepcopy(WEIGHTER),
                         load_from=ckpt, load_weighter_state=True)
    loaded = Runner.from_cfg(cfg)
    loaded.load_or_resume()
    state = loaded.model.state_dict()
    for key, value in weighter_state(runner).items():
        torch.testing.assert_close(state[key], value, msg=key)


def test_plot_weights_reads_logged_weights_and_scales(tmp_path):
    train(tmp_path, 4)
    series = weight_series(read_scalars(str(tmp_path)))
    iters, weights, scales = series['b.loss_l1']
    record = [r for r in read_scalars(str(tmp_path)) if r.get('iter') == 4][0]
    assert iters == [2, 4]
    assert weights[-1] == record['weight/b.loss_l1']
    assert scales[-1] == pytest.approx(weights[-1] * record['b.loss_l1'])
    out = tmp_path / 'w.png'
    subprocess.run([sys.executable,
                    osp.join(ROOT, 'tools', 'analysis', 'plot_weights.py'),
                    str(tmp_path), '--out', str(out)], check=True, cwd=ROOT)
    assert out.read_bytes()[:4] == b'\x89PNG'
