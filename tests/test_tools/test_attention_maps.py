"""tools/analysis/attention_maps.py and depth_statistics.py."""
import os.path as osp
import sys

import cv2
import numpy as np
import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

ROOT = osp.join(osp.dirname(__file__), '..', '..')
sys.path.insert(0, osp.join(ROOT, 'tools', 'analysis'))
import attention_maps  # noqa: E402
import depth_statistics  # noqa: E402

SHRINK = ['model.channels=(8,8,8,8,4)',
          'test_dataloader.dataset.num_samples=2',
          'test_dataloader.dataset.img_size=(32,64)',
          'train_dataloader.dataset.num_samples=2',
          'train_dataloader.dataset.img_size=(32,64)']


def test_attention_is_the_channel_sum_of_magnitudes():
    attention_map = attention_maps.attention_map
    features = torch.tensor([[[[1.0, -2.0]], [[-3.0, 0.0]]]])  # (1, 2, 1, 2)
    # A = |1| + |-3| = 4 and |-2| + |0| = 2, scaled to [0, 1]
    assert attention_map(features).tolist() == [[[1.0, 0.0]]]
    assert attention_map(torch.ones(2, 3, 2, 2)).abs().sum() == 0
    with pytest.raises(ValueError, match=r'\(B, C, H, W\)'):
        attention_map(torch.ones(3, 2, 2))


def test_overlay_blends_a_resized_heat_map():
    image = np.zeros((4, 6, 3), np.uint8)
    blended = attention_maps.overlay(image, np.ones((2, 3)), alpha=1.0)
    hot = cv2.applyColorMap(np.full((1, 1), 255, np.uint8),
                            cv2.COLORMAP_JET)[0, 0]
    assert blended.shape == (4, 6, 3)
    assert (blended == hot).all()


def test_the_tool_writes_one_png_per_image_and_layer(tmp_path):
    out = str(tmp_path / 'maps')
    written = attention_maps.main([
        osp.join(ROOT, 'configs', 'synergy', 'synthscenes_lateral_equal.py'),
        '--layers', 'branches.depth.ups.0', 'backbone', '--num-images', '2',
        '--out-dir', out, '--cfg-options'] + SHRINK)
    assert sorted(osp.basename(p) for p in written) == [
        '0000_backbone.png', '0000_branches-depth-ups-0.png',
        '0001_backbone.png', '0001_branches-depth-ups-0.png']
    assert cv2.imread(written[0]).shape == (32, 64, 3)
    with pytest.raises(KeyError, match='no layer'):
        attention_maps.main([
            osp.join(ROOT, 'configs', 'synergy',
                     'synthscenes_lateral_equal.py'),
            '--layers', 'decoder.nothing', '--out-dir', out,
            '--cfg-options'] + SHRINK)


def test_depth_statistics_of_packed_samples():
    def item(values):
        sample = SegDataSample()
        sample.gt_depth_map = PixelData(
            data=torch.tensor(values, dtype=torch.float32).view(1, 1, -1))
        return dict(data_samples=sample)

    dataset = [item([0.0, 2.0, 4.0]), item([6.0, 0.0, 0.0])]
    stats = depth_statistics.depth_statistics(dataset)
    values = [2.0, 4.0, 6.0]
    assert stats['mean'] == pytest.approx(4.0)
    assert stats['std'] == pytest.approx(float(np.std(values)))
    assert (stats['min'], stats['max'], stats['pixels']) == (2.0, 6.0, 3)
    with pytest.raises(ValueError, match='no valid depth'):
        depth_statistics.depth_statistics([item([0.0])])


def test_maps_bounded_to_a_depth_range(tmp_path):
    sample = SegDataSample()
    sample.gt_depth_map = PixelData(
        data=torch.tensor([[[2.0, 5.0], [9.0, 0.0]]]))
    assert attention_maps.depth_range(sample, None, None) is None
    assert attention_maps.depth_range(sample, None, 6.0).tolist() == [
        [[True, True], [False, False]]]
    assert attention_maps.depth_range(sample, 3.0, None).tolist() == [
        [[False, True], [True, False]]]
    with pytest.raises(KeyError, match='need ground-truth depth'):
        attention_maps.depth_range(SegDataSample(), None, 6.0)
    written = attention_maps.main([
        osp.join(ROOT, 'configs', 'synergy', 'synthscenes_lateral_equal.py'),
        '--layers', 'backbone', '--num-images', '1', '--max-depth', '20',
        '--out-dir', str(tmp_path), '--cfg-options'] + SHRINK)
    assert cv2.imread(written[0]).shape == (32, 64, 3)
