"""The user path: tools/train.py, tools/test.py and the weight plot on
SynthScenes, with the README's weighted EncNet config made tiny."""
import json
import os
import os.path as osp
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(ROOT, 'configs', 'encnet', 'synthscenes_cov.py')
TINY = [
    'train_cfg.max_iters=3', 'train_cfg.val_interval=3',
    'default_hooks.logger.interval=1', 'default_hooks.checkpoint.interval=3',
    'train_dataloader.batch_size=2',
    'train_dataloader.dataset.img_size=[32,64]',
    'val_dataloader.dataset.num_samples=4',
    'val_dataloader.dataset.img_size=[32,64]',
    'test_dataloader.dataset.num_samples=4',
    'test_dataloader.dataset.img_size=[32,64]',
]


def run_tool(*args: str) -> str:
    env = dict(os.environ, OMP_NUM_THREADS='2')
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (result.stdout[-3000:] +
                                    result.stderr[-3000:])
    return result.stdout + result.stderr


def test_train_test_and_plot_on_synthscenes(tmp_path):
    work_dir = str(tmp_path)
    log = run_tool('tools/train.py', CONFIG, '--work-dir', work_dir,
                   '--cfg-options', *TINY)
    assert 'weight/decode.loss_se' in log and 'eta:' in log
    assert 'mIoU' in log
    checkpoint = osp.join(work_dir, 'iter_3.pth')
    assert osp.isfile(checkpoint)

    out_dir = tmp_path / 'predictions'
    log = run_tool('tools/test.py', CONFIG, checkpoint, '--work-dir',
                   work_dir, '--out', str(out_dir), '--cfg-options', *TINY[5:])
    assert 'aAcc' in log and 'mIoU' in log
    assert len(list(out_dir.glob('*.png'))) == 4
    results = [osp.join(root, name) for root, _, names in os.walk(work_dir)
               for name in names if name.endswith('.json')
               and not name.startswith('scalars')]
    metrics = [json.loads(open(path).read().splitlines()[-1])
               for path in results]
    assert any('mIoU' in m for m in metrics)

    run_tool('tools/analysis/plot_weights.py', work_dir, '--out',
             str(tmp_path / 'w.png'))
    assert (tmp_path / 'w.png').stat().st_size > 1000


def test_missing_config_and_checkpoint_are_named(tmp_path):
    result = subprocess.run(
        [sys.executable, 'tools/test.py', CONFIG, str(tmp_path / 'no.pth')],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert 'no.pth does not exist' in result.stderr
