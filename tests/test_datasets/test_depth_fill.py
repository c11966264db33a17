"""Colorization fill of missing depth (the NYU toolbox's method)."""
import math

import numpy as np
import pytest

from mtlw.datasets.depth_fill import (colorization_weights,
                                      fill_depth_colorization)


def _loop_weights(gray):
    """The toolbox's loop, written plainly: {(row, col): weight}."""
    height, width = gray.shape
    weights = {}
    for i in range(height):
        for j in range(width):
            near = [(ii, jj) for ii in range(max(0, i - 1), min(i + 2, height))
                    for jj in range(max(0, j - 1), min(j + 2, width))
                    if (ii, jj) != (i, j)]
            values = [gray[p] for p in near] + [gray[i, j]]
            mean = sum(values) / len(values)
            sigma = 0.6 * sum((v - mean) ** 2 for v in values) / len(values)
            smallest = min((gray[p] - gray[i, j]) ** 2 for p in near)
            sigma = max(sigma, -smallest / math.log(0.01), 2e-6)
            raw = [math.exp(-(gray[p] - gray[i, j]) ** 2 / sigma)
                   for p in near]
            for p, value in zip(near, raw):
                weights[(i * width + j, p[0] * width + p[1])] = \
                    value / sum(raw)
    return weights


def test_weights_match_the_toolbox_loop():
    gray = np.random.default_rng(0).uniform(0, 1, (4, 5))
    rows, cols, weights = colorization_weights(gray)
    found = dict(zip(zip(rows.tolist(), cols.tolist()), weights.tolist()))
    want = _loop_weights(gray)
    assert found.keys() == want.keys()
    for key, value in want.items():
        assert found[key] == pytest.approx(value, rel=1e-12)


def test_two_neighbours_by_hand():
    # middle pixel of [0, 0.2, 1]: variance 0.56 / 3, sigma 0.6 x that
    rows, cols, weights = colorization_weights(np.array([[0.0, 0.2, 1.0]]))
    sigma = 0.6 * 0.56 / 3
    near, far = math.exp(-0.04 / sigma), math.exp(-0.64 / sigma)
    middle = dict(zip(cols[rows == 1].tolist(), weights[rows == 1]))
    assert middle[0] == pytest.approx(near / (near + far))
    assert middle[2] == pytest.approx(far / (near + far))
    assert weights[rows == 0].tolist() == [1.0]  # one neighbour


def _rgb(shape, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (*shape, 3),
                                                dtype=np.uint8)


def test_known_pixels_kept_and_holes_filled():
    depth = np.random.default_rng(1).uniform(1, 5, (5, 6))
    depth[1:3, 2:5] = 0
    filled = fill_depth_colorization(_rgb((5, 6)), depth)
    known = depth > 0
    np.testing.assert_array_equal(filled[known], depth[known])
    assert (filled[~known] > 1).all() and (filled[~known] < 5).all()
    soft = fill_depth_colorization(_rgb((5, 6)), depth, keep_known=False)
    np.testing.assert_allclose(soft[~known], filled[~known])
    assert not np.allclose(soft[known], depth[known])  # soft constraints


def test_constant_depth_fills_constant():
    depth = np.full((5, 7), 3.5)
    depth[1:4, 2:6] = 0
    depth[0, 0] = 10  # the toolbox's clamp value counts as missing
    filled = fill_depth_colorization(_rgb((5, 7)), depth, keep_known=False)
    np.testing.assert_allclose(filled, 3.5, rtol=1e-10)


def test_ramp_fills_near_linear():
    ramp = np.tile(1 + 0.5 * np.arange(9), (7, 1))
    depth = ramp.copy()
    depth[2:5, 3:6] = 0
    flat = np.full((7, 9, 3), 0.5)
    filled = fill_depth_colorization(flat, depth)
    np.testing.assert_allclose(filled, ramp, atol=0.05)


def test_bad_arguments():
    with pytest.raises(ValueError, match=r'rgb must be \(H, W, 3\)'):
        fill_depth_colorization(np.zeros((4, 4)), np.zeros((4, 4)))
    with pytest.raises(ValueError, match='alpha must be positive, got 0'):
        fill_depth_colorization(np.zeros((2, 2, 3)), np.ones((2, 2)),
                                alpha=0)
    np.testing.assert_array_equal(
        fill_depth_colorization(np.zeros((2, 2, 3)), np.zeros((2, 2))), 0)
