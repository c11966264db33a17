"""A learned-sharing architecture under DDP: two gloo ranks through
tools/dist_train.sh."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

from tests._fixtures.dist import ROOT, free_port

pytestmark = pytest.mark.slow


@pytest.mark.parametrize('config', [
    'configs/mixture_of_experts/synthscenes_dselect_k_mgda.py',
    'configs/ltb/synthscenes_ltb_cov.py'])
def test_two_ranks_train_a_gated_architecture(tmp_path, config):
    env = dict(os.environ, PORT=str(free_port()), OMP_NUM_THREADS='1',
               PYTHONPATH=ROOT, PYTHON=sys.executable)
    env.pop('CUDA_VISIBLE_DEVICES', None)
    result = subprocess.run(
        ['bash', osp.join(ROOT, 'tools', 'dist_train.sh'),
         osp.join(ROOT, config), '2', '--work-dir', str(tmp_path),
         '--cfg-options', 'train_cfg.max_iters=2', 'train_cfg.val_interval=2',
         'default_hooks.checkpoint.interval=2',
         'train_dataloader.batch_size=2',
         'val_dataloader.dataset.num_samples=4'],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-4000:]
    assert 'Distributed launcher: pytorch' in log
    checkpoint = torch.load(tmp_path / 'iter_2.pth', weights_only=False)
    assert int(checkpoint['state_dict']['weighter.step']) == 2
    assert 'seg/mIoU' in log
