"""Flips that keep stereo pairs and normals consistent, and the packing."""
import numpy as np
import pytest
from mmseg.datasets.transforms import RandomFlip

from mtlw.datasets.transforms import (PackMultiTaskInputs,
                                      RandomFlipWithNormals, StereoRandomFlip)
from mtlw.datasets.transforms.random_flip_with_normals import \
    flip_normal_vectors


def copy_sample(sample: dict) -> dict:
    return {key: value.copy() if isinstance(value, (np.ndarray, list))
            else value for key, value in sample.items()}


def test_flip_normal_vectors_by_hand():
    normal = np.array([[[0.6, -0.8, 0.0], [0.0, 0.6, -0.8]]])
    np.testing.assert_array_equal(
        flip_normal_vectors(normal, 'horizontal'),
        [[[-0.6, -0.8, 0.0], [0.0, 0.6, -0.8]]])
    np.testing.assert_array_equal(
        flip_normal_vectors(normal, 'vertical'),
        [[[0.6, 0.8, 0.0], [0.0, -0.6, -0.8]]])
    np.testing.assert_array_equal(
        flip_normal_vectors(normal, 'diagonal'),
        [[[-0.6, 0.8, 0.0], [0.0, -0.6, -0.8]]])


def test_stereo_flip_swaps_and_mirrors_the_views(stereo_samples):
    original = stereo_samples[0]
    flipped = StereoRandomFlip(prob=1.0)(copy_sample(original))
    assert flipped['flip'] and flipped['flip_direction'] == 'horizontal'
    for left, right in (('img', 'img_right'),
                        ('gt_disp_map', 'gt_disp_map_right'),
                        ('gt_depth_map', 'gt_depth_map_right'),
                        ('gt_visible_mask', 'gt_visible_mask_right')):
        np.testing.assert_array_equal(flipped[left], original[right][:, ::-1])
        np.testing.assert_array_equal(flipped[right], original[left][:, ::-1])


def test_flipped_stereo_pair_is_still_a_stereo_pair(stereo_samples,
                                                    sample_rows):
    """After the flip the new right view, warped with the new left
    disparity, still reproduces the new left view."""
    flipped = StereoRandomFlip(prob=1.0)(copy_sample(stereo_samples[1]))
    columns = np.arange(flipped['img'].shape[1]) - flipped['gt_disp_map']
    seen = flipped['gt_visible_mask'].astype(bool) & (columns >= 0)
    left = flipped['img'].astype(np.float64)
    right = flipped['img_right'].astype(np.float64)
    error = np.abs(sample_rows(right, columns) - left).mean(axis=-1)[seen]
    unshifted = np.abs(right - left).mean(axis=-1)[seen]
    assert error.mean() < 0.3 * unshifted.mean()


def test_stereo_flip_probability_zero_changes_nothing(stereo_samples):
    original = stereo_samples[0]
    result = StereoRandomFlip(prob=0.0)(copy_sample(original))
    assert result['flip'] is False
    np.testing.assert_array_equal(result['img'], original['img'])


def test_stereo_flip_vertical_keeps_the_views(stereo_samples):
    original = stereo_samples[0]
    flipped = StereoRandomFlip(prob=1.0, direction='vertical')(
        copy_sample(original))
    np.testing.assert_array_equal(flipped['img'], original['img'][::-1])
    np.testing.assert_array_equal(flipped['gt_disp_map_right'],
                                  original['gt_disp_map_right'][::-1])


def test_stereo_flip_needs_both_views_of_a_field(stereo_samples):
    sample = copy_sample(stereo_samples[0])
    del sample['gt_disp_map_right']
    with pytest.raises(KeyError, match="'gt_disp_map' without "
                       "'gt_disp_map_right'"):
        StereoRandomFlip(prob=1.0)(sample)


def test_normal_flip_mirrors_maps_and_negates_x(multitask_samples):
    original = multitask_samples[2]
    flipped = RandomFlipWithNormals(prob=1.0)(copy_sample(original))
    for key in ('img', 'gt_seg_map', 'gt_depth_map'):
        np.testing.assert_array_equal(flipped[key], original[key][:, ::-1])
    mirrored = original['gt_normal_map'][:, ::-1]
    np.testing.assert_array_equal(flipped['gt_normal_map'][..., 0],
                                  -mirrored[..., 0])
    np.testing.assert_array_equal(flipped['gt_normal_map'][..., 1:],
                                  mirrored[..., 1:])


def test_normal_flip_mirrors_normals_outside_seg_fields(multitask_samples):
    sample = copy_sample(multitask_samples[2])
    sample['seg_fields'] = ['gt_seg_map']
    flipped = RandomFlipWithNormals(prob=1.0)(sample)
    np.testing.assert_array_equal(
        flipped['gt_normal_map'][..., 2],
        multitask_samples[2]['gt_normal_map'][:, ::-1, 2])


def test_normal_flip_refuses_stereo_pairs(stereo_samples):
    with pytest.raises(ValueError, match='Use StereoRandomFlip'):
        RandomFlipWithNormals(prob=1.0)(copy_sample(stereo_samples[0]))


@pytest.mark.parametrize('fixture', ['stereo_samples', 'multitask_samples'])
def test_pack_refuses_a_plain_random_flip(fixture, request):
    sample = copy_sample(request.getfixturevalue(fixture)[0])
    flipped = RandomFlip(prob=1.0)(sample)
    with pytest.raises(ValueError, match='RandomFlipWithNormals'):
        PackMultiTaskInputs()(flipped)


def test_pack_without_flip_keeps_values(multitask_samples):
    original = multitask_samples[3]
    packed = PackMultiTaskInputs()(copy_sample(original))
    sample = packed['data_samples']
    np.testing.assert_array_equal(
        sample.gt_normal_map.data.numpy(),
        original['gt_normal_map'].transpose(2, 0, 1))
    np.testing.assert_array_equal(sample.gt_sem_seg.data[0].numpy(),
                                  original['gt_seg_map'])
    assert 'img_right' not in sample
