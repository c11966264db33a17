"""StereoResize and StereoColorJitter."""
import numpy as np
import pytest

from mtlw.datasets.transforms.stereo_color_jitter import jitter_colors
from mtlw.registry import TRANSFORMS


def test_stereo_resize_averages_areas_of_both_views():
    img = np.arange(2 * 4 * 3, dtype=np.uint8).reshape(2, 4, 3) * 4
    right = 255 - img
    results = TRANSFORMS.build(dict(type='StereoResize', scale=(1, 2)))(
        dict(img=img, img_right=right, gt_depth_map=np.ones((2, 4))))
    blocks = img.astype(float).reshape(1, 2, 2, 2, 3).mean((1, 3))
    assert np.allclose(results['img'], blocks.round())
    assert np.allclose(results['img_right'], (255 - blocks).round())
    assert results['img_shape'] == (1, 2)
    assert results['scale_factor'] == (0.5, 0.5)
    assert results['gt_depth_map'].shape == (2, 4)  # ground truth untouched
    with pytest.raises(ValueError, match='scale must be'):
        TRANSFORMS.build(dict(type='StereoResize', scale=(4, )))


def test_jitter_colors_by_hand():
    image = np.array([[[0, 128, 255]]], dtype=np.uint8)
    out = jitter_colors(image, gamma=2.0, brightness=0.5,
                        colors=(1.0, 2.0, 4.0))
    x = np.array([0, 128, 255]) / 255
    want = np.clip(x ** 2 * 0.5 * np.array([1, 2, 4]), 0, 1) * 255
    assert out.dtype == np.float32
    assert np.allclose(out[0, 0], want, atol=1e-4)


def test_stereo_color_jitter_draws_once_for_both_views():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (4, 5, 3), dtype=np.uint8)
    jitter = TRANSFORMS.build(dict(type='StereoColorJitter', prob=1.0))
    np.random.seed(0)
    out = jitter(dict(img=img.copy(), img_right=img.copy()))
    assert np.array_equal(out['img'], out['img_right'])
    assert not np.allclose(out['img'], img)
    # the same draw as jitter_colors with numpy's next uniforms
    np.random.seed(0)
    np.random.rand()
    gamma = np.random.uniform(0.8, 1.2)
    brightness = np.random.uniform(0.5, 2.0)
    colors = np.random.uniform(0.8, 1.2, 3)
    assert np.allclose(out['img'], jitter_colors(img, gamma, brightness,
                                                 colors))
    off = TRANSFORMS.build(dict(type='StereoColorJitter', prob=0.0))
    assert off(dict(img=img))['img'] is img
    with pytest.raises(ValueError, match=r'prob must be in \[0, 1\]'):
        TRANSFORMS.build(dict(type='StereoColorJitter', prob=2))
