import numpy as np
import pytest
import torch

from mtlw.weighting.utils import project_to_simplex


def loop_projection(y):
    """The projection as MGDA's and LibMTL's MoDo code write it."""
    m = len(y)
    ordered = np.sort(y)[::-1]
    running, threshold = 0.0, (y.sum() - 1.0) / m
    for i in range(m - 1):
        running += ordered[i]
        candidate = (running - 1) / (i + 1.0)
        if candidate > ordered[i + 1]:
            threshold = candidate
            break
    return np.maximum(y - threshold, 0)


@pytest.mark.parametrize('seed', range(6))
def test_matches_the_loop_projection(seed):
    values = np.random.default_rng(seed).normal(size=2 + seed) * 2
    got = project_to_simplex(torch.tensor(values))
    np.testing.assert_allclose(got.numpy(), loop_projection(values),
                               atol=1e-12)


@pytest.mark.parametrize('values, expected', [
    ([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]),   # on the simplex already
    ([2.0, 0.0], [1.0, 0.0]),
    ([0.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]),
    ([1.0, 1.0, -5.0], [0.5, 0.5, 0.0])])
def test_hand_worked(values, expected):
    got = project_to_simplex(torch.tensor(values, dtype=torch.float64))
    np.testing.assert_allclose(got.numpy(), expected, atol=1e-12)


def test_huge_values_in_float32():
    got = project_to_simplex(torch.tensor([1.9e8, 4.8e8, -3e8]))
    torch.testing.assert_close(got, torch.tensor([0.0, 1.0, 0.0]))
