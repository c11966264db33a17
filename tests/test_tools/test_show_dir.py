"""tools/test.py --show-dir on every model family: one picture per sample,
one row per task of (image, prediction, ground truth) panels."""
import os
import os.path as osp
import subprocess
import sys

import cv2
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

import mtlw  # noqa: F401
from mtlw.models.backbones import without_pretrained_weights
from mtlw.registry import MODELS
from tests._fixtures.pixelwise_fixtures import write_nyuv2

pytestmark = pytest.mark.slow

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SIZE = (32, 64)
NUM_SAMPLES = 2
#: family -> (SynthScenes config, predicted tasks (picture rows))
FAMILIES = {
    'encnet': ('encnet/synthscenes_cov.py', 1),  # segmentation
    'monodepth': ('monodepth/synthscenes_equal.py', 2),  # disparity, depth
    'pixelwise': ('pixelwise/synthscenes_multidec_equal.py', 3),  # d, n, s
    'synergy': ('synergy/synthscenes_lateral_equal.py', 2),  # depth, seg
}
TINY = [f'test_dataloader.dataset.num_samples={NUM_SAMPLES}',
        f'test_dataloader.dataset.img_size=[{SIZE[0]},{SIZE[1]}]',
        'test_dataloader.batch_size=2', 'test_dataloader.num_workers=0']


def untrained_checkpoint(config: str, path: str) -> str:
    """The freshly built model's weights: a checkpoint without training."""
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = MODELS.build(
            without_pretrained_weights(Config.fromfile(config).model))
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), path)
    return path


def run_test(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, 'tools/test.py', *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, OMP_NUM_THREADS='1',
                                   PYTHONPATH=ROOT))


@pytest.mark.parametrize('family', sorted(FAMILIES))
def test_show_dir_paints_every_task(tmp_path, family):
    name, rows = FAMILIES[family]
    config = osp.join(ROOT, 'configs', name)
    checkpoint = untrained_checkpoint(config, str(tmp_path / 'model.pth'))
    show_dir = tmp_path / 'show'
    result = run_test(config, checkpoint, '--work-dir', str(tmp_path),
                      '--show-dir', str(show_dir), '--cfg-options', *TINY)
    assert result.returncode == 0, result.stderr[-3000:]
    pictures = sorted(show_dir.glob('*.png'))
    assert [p.name for p in pictures] == ['00000_000000.png',
                                          '00001_000001.png']
    for picture in pictures:
        assert cv2.imread(str(picture)).shape == (
            rows * SIZE[0], 3 * SIZE[1], 3)


def test_show_dir_on_real_data_needs_only_the_test_split(tmp_path):
    # NYUv2 with its val split alone: the training root (data/nyuv2) is
    # absent, so building the training loop would fail.
    data_root = tmp_path / 'nyuv2'
    write_nyuv2(str(data_root), 'val', count=2, height=64, width=96)
    config = osp.join(ROOT, 'configs', 'pixelwise',
                      'nyuv2_mobilenetv2_multidec_equal.py')
    assert not osp.exists(osp.join(ROOT, Config.fromfile(
        config).train_dataloader.dataset.data_root))
    checkpoint = untrained_checkpoint(config, str(tmp_path / 'model.pth'))
    show_dir = tmp_path / 'show'
    result = run_test(
        config, checkpoint, '--work-dir', str(tmp_path), '--show-dir',
        str(show_dir), '--cfg-options',
        f'test_dataloader.dataset.data_root={data_root}',
        'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False')
    assert result.returncode == 0, result.stderr[-3000:]
    pictures = sorted(show_dir.glob('*.png'))
    assert [p.name for p in pictures] == ['00000_0.png', '00001_1.png']
    assert cv2.imread(str(pictures[0])).shape == (3 * 64, 3 * 96, 3)
