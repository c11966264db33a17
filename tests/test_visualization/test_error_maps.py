"""Per-pixel error maps (Loss Scale Balancing supplement, Fig. S-5)."""
import numpy as np
import pytest

from mtlw.visualization.error_maps import (depth_error_map, normal_error_map,
                                           overall_error_map, seg_error_map)


def test_depth_errors_within_the_valid_range():
    pred = np.array([[1.0, 3.0, 5.0, 2.0]])
    gt = np.array([[2.0, 3.5, 0.0, 20.0]])
    assert depth_error_map(pred, gt).tolist() == [[1.0, 0.5, 0.0, 18.0]]
    assert depth_error_map(pred, gt, max_depth=10.0).tolist() == [
        [1.0, 0.5, 0.0, 0.0]]
    with pytest.raises(ValueError, match=r'prediction \(1, 4\) and ground '
                       r'truth \(4,\) differ'):
        depth_error_map(pred, gt[0])


def test_normal_errors_are_angles_in_degrees():
    gt = np.zeros((3, 1, 4))
    gt[2] = 1.0  # all facing +z
    gt[:, 0, 3] = 0.0  # no ground truth
    pred = np.zeros((3, 1, 4))
    pred[:, 0, 0] = (0, 0, 5)     # same direction, other length: 0
    pred[:, 0, 1] = (1, 0, 0)     # perpendicular: 90
    pred[:, 0, 2] = (0, 1, 1)     # 45
    pred[:, 0, 3] = (0, 0, -1)    # ignored
    angles = normal_error_map(pred, gt)
    assert angles[0].tolist() == pytest.approx([0.0, 90.0, 45.0, 0.0])
    with pytest.raises(ValueError, match=r'normals must be \(3, H, W\)'):
        normal_error_map(np.ones((2, 2)), np.ones((2, 2)))


def test_seg_errors_and_the_overall_map():
    seg = seg_error_map(np.array([[1, 2, 3, 4]]), np.array([[1, 0, 255, 5]]))
    assert seg.tolist() == [[0.0, 1.0, 0.0, 1.0]]
    depth = np.array([[2.0, 4.0, 0.0, 1.0]])
    zero = np.zeros((1, 4))
    # each map over its maximum: depth / 4 + seg / 1, the zero map adds 0
    assert overall_error_map([depth, seg, zero]).tolist() == [
        [0.5, 2.0, 0.0, 1.25]]
    with pytest.raises(ValueError, match='different sizes'):
        overall_error_map([depth, np.zeros((2, 2))])
    with pytest.raises(ValueError, match='no error map'):
        overall_error_map([])
