"""tools/dist_train.sh with two CPU processes (gloo)."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

from tests._fixtures.dist import ROOT, free_port

pytestmark = pytest.mark.slow


def test_two_cpu_ranks_train_with_identical_weights(tmp_path):
    env = dict(os.environ, PORT=str(free_port()), OMP_NUM_THREADS='1',
               PYTHONPATH=ROOT, PYTHON=sys.executable)
    env.pop('CUDA_VISIBLE_DEVICES', None)
    result = subprocess.run(
        ['bash', osp.join(ROOT, 'tools', 'dist_train.sh'),
         osp.join(ROOT, 'tests', 'data', 'toy_config.py'), '2',
         '--work-dir', str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (result.stdout[-3000:] +
                                    result.stderr[-3000:])
    ranks = [torch.load(tmp_path / f'weighter_rank{r}.pth') for r in (0, 1)]
    assert int(ranks[0]['step']) == 6
    for key, value in ranks[0].items():
        torch.testing.assert_close(ranks[1][key], value, msg=key)
    assert (tmp_path / 'iter_6.pth').exists()
    assert 'Distributed launcher: pytorch' in result.stdout + result.stderr
