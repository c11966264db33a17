"""SynthScenes geometry: camera, disparity, normals and the stereo pair."""
import warnings

import numpy as np
import pytest

from mtlw.datasets.synthscenes import (CLASSES, IGNORE_INDEX, StereoCamera,
                                       depth_to_disparity, render_sample,
                                       visible_in_other_view)

SKY = CLASSES.index('sky')


def test_camera_intrinsics():
    camera = StereoCamera.from_size((48, 96), focal_ratio=0.5, baseline=0.3)
    assert (camera.focal, camera.baseline) == (48.0, 0.3)
    assert camera.principal_point == (47.5, 23.5)
    slope_x, slope_y = camera.ray_slopes()
    assert slope_x[0] == pytest.approx(-47.5 / 48)
    assert slope_y[-1] == pytest.approx(23.5 / 48)
    rays = camera.flat_rays().reshape(3, 48, 96)
    assert rays[0, 5, 7] == pytest.approx((7 - 47.5) / 48)
    assert rays[1, 5, 7] == pytest.approx((5 - 23.5) / 48)
    assert np.all(rays[2] == 1)
    np.testing.assert_allclose(camera.origin('right'), [0.3, 0, 0])


def test_depth_to_disparity_by_hand():
    depth = np.array([[2.0, 0.0], [8.0, 0.5]], dtype=np.float32)
    np.testing.assert_allclose(
        depth_to_disparity(depth, focal=100.0, baseline=0.5),
        [[25.0, 0.0], [6.25, 100.0]])


def test_disparity_is_focal_baseline_over_depth(stereo_samples):
    for sample in stereo_samples:
        for suffix in ('', '_right'):
            depth = sample['gt_depth_map' + suffix]
            disparity = sample['gt_disp_map' + suffix]
            valid = depth > 0
            assert valid.mean() > 0.3
            np.testing.assert_allclose(
                disparity[valid],
                sample['focal'] * sample['baseline'] / depth[valid],
                rtol=1e-5)
            assert np.all(disparity[~valid] == 0)


def test_invalid_pixels_sky_and_ignore(multitask_samples):
    for sample in multitask_samples:
        depth, label = sample['gt_depth_map'], sample['gt_seg_map']
        normal = sample['gt_normal_map']
        invalid = depth == 0
        # sky and far surfaces (label 255) are exactly the invalid pixels
        np.testing.assert_array_equal(
            invalid, (label == SKY) | (label == IGNORE_INDEX))
        assert np.all(normal[invalid] == 0)
        assert depth.max() <= 80.0


def test_normals_unit_and_facing_the_camera(multitask_samples,
                                            back_project):
    for sample in multitask_samples:
        depth, normal = sample['gt_depth_map'], sample['gt_normal_map']
        valid = depth > 0
        np.testing.assert_allclose(
            np.linalg.norm(normal[valid], axis=-1), 1.0, atol=1e-5)
        points = back_project(depth, sample['focal'])
        assert np.all(np.sum(normal * points, axis=-1)[valid] < 0)


def test_normals_match_depth_finite_differences(multitask_samples,
                                                back_project):
    """The normal of the back-projected surface (cross product of the
    finite differences to the right and downward neighbours) is the stored
    normal: within 0.1 degree on flat floor and walls, about 1 degree on
    curved objects."""
    planar_errors, curved_errors = [], []
    for sample in multitask_samples:
        depth, normal = sample['gt_depth_map'], sample['gt_normal_map']
        label = sample['gt_seg_map']
        points = back_project(depth, sample['focal'])
        across = points[:-1, 1:] - points[:-1, :-1]
        down = points[1:, :-1] - points[:-1, :-1]
        from_depth = np.cross(down, across)
        from_depth /= np.maximum(
            np.linalg.norm(from_depth, axis=-1, keepdims=True), 1e-12)
        stored = normal[:-1, :-1]
        angle = np.degrees(np.arccos(
            np.clip(np.sum(from_depth * stored, axis=-1), -1, 1)))
        # the pixel and both neighbours lie on one smooth valid surface
        same = ((label[:-1, :-1] == label[:-1, 1:])
                & (label[:-1, :-1] == label[1:, :-1])
                & (depth[:-1, :-1] > 0) & (depth[:-1, 1:] > 0)
                & (depth[1:, :-1] > 0)
                & (np.sum(stored * normal[:-1, 1:], axis=-1) > 0.95)
                & (np.sum(stored * normal[1:, :-1], axis=-1) > 0.95))
        planar = same & (label[:-1, :-1] <= CLASSES.index('wall'))
        planar_errors.append(angle[planar])
        curved_errors.append(angle[same & ~planar])
    planar_errors = np.concatenate(planar_errors)
    curved_errors = np.concatenate(curved_errors)
    assert planar_errors.size > 5000 and curved_errors.size > 200
    assert planar_errors.max() < 0.1
    assert np.median(curved_errors) < 1.0


def test_right_view_sees_the_same_points(stereo_samples, sample_rows):
    """Warping the right view into the left with the true disparity
    (bilinear sampling at x - d) reproduces the left image and depth on
    pixels both cameras see; without the shift it does not."""
    errors, unshifted = [], []
    for sample in stereo_samples:
        disparity = sample['gt_disp_map']
        columns = np.arange(disparity.shape[1]) - disparity
        seen = sample['gt_visible_mask'].astype(bool) & (columns >= 0)
        assert seen.mean() > 0.3
        left = sample['img'].astype(np.float64)
        right = sample['img_right'].astype(np.float64)
        warped = sample_rows(right, columns)
        errors.append(np.abs(warped - left).mean(axis=-1)[seen])
        unshifted.append(np.abs(right - left).mean(axis=-1)[seen])
        depth = sample['gt_depth_map']
        warped_depth = sample_rows(sample['gt_depth_map_right'], columns)
        close = np.abs(warped_depth - depth)[seen] < 0.01 * depth[seen]
        assert close.mean() > 0.95
    error = np.concatenate(errors).mean()
    assert error < 5.0
    assert error < 0.3 * np.concatenate(unshifted).mean()


def test_visibility_left_right_check_by_hand():
    # one row: background at disparity 1, an object at disparity 3 seen at
    # u = 3, 4 in the left view and u = 0, 1 in the right view; u = 0 of
    # the left view is invalid
    left = np.array([[0, 1, 1, 3, 3, 1, 1, 1]], dtype=np.float32)
    right = np.array([[3, 3, 1, 1, 1, 1, 1, 1]], dtype=np.float32)
    # left u = 1, 2 land on the object in the right view: occluded
    np.testing.assert_array_equal(
        visible_in_other_view(left, right, 'left'), [[0, 0, 0, 1, 1, 1, 1, 1]])
    # right u = 2, 3 land on the object in the left view; u = 7 lands
    # outside the left image
    np.testing.assert_array_equal(
        visible_in_other_view(right, left, 'right'),
        [[1, 1, 0, 0, 1, 1, 1, 0]])


def test_masks_hide_occlusions_and_image_borders(stereo_samples):
    for sample in stereo_samples:
        visible = sample['gt_visible_mask'].astype(bool)
        assert not visible[sample['gt_depth_map'] == 0].any()
        width = visible.shape[1]
        lands_outside = (np.arange(width) - sample['gt_disp_map']) < -0.5
        assert not visible[lands_outside].any()
        assert 0.3 < visible.mean() < 1.0


def test_deterministic_per_seed_split_index():
    camera = StereoCamera.from_size((24, 48))
    first = render_sample(camera, 3, 'train', 5, ('left', 'right'))
    again = render_sample(camera, 3, 'train', 5, ('left', 'right'))
    for view in ('left', 'right'):
        for a, b in zip(first[view], again[view]):
            np.testing.assert_array_equal(a, b)
    for other in (render_sample(camera, 3, 'train', 6),
                  render_sample(camera, 4, 'train', 5),
                  render_sample(camera, 3, 'val', 5)):
        assert not np.array_equal(other['left'].image, first['left'].image)


def test_odd_sizes_render_without_warnings():
    camera = StereoCamera.from_size((7, 9))
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        for index in range(4):
            view = render_sample(camera, 0, 'train', index)['left']
            assert view.image.shape == (7, 9, 3)
            assert np.isfinite(view.depth).all()


def test_labels_cover_all_classes(multitask_samples):
    seen = set()
    for sample in multitask_samples:
        values = set(np.unique(sample['gt_seg_map']).tolist())
        assert values <= set(range(len(CLASSES))) | {IGNORE_INDEX}
        seen |= values
    assert set(range(len(CLASSES))) <= seen
