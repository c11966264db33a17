"""The exact face-enumeration solvers against scipy and grid search."""
import itertools

import numpy as np
import pytest
import torch
from scipy.optimize import nnls

from mtlw.weighting.utils import (exact_min_norm, min_norm_solver,
                                  nonnegative_qp)
from mtlw.weighting.utils import active_set
from mtlw.weighting.utils.active_set import face_masks


def random_problem(num, rows, gen):
    """``A`` (rows, K) and ``y``: ``Q = A^T A``, ``c = -A^T y``, so that
    ``min_{x >= 0} ||A x - y||^2`` is the same problem."""
    matrix = torch.randn(rows, num, generator=gen, dtype=torch.float64)
    matrix = matrix * torch.rand(num, generator=gen, dtype=torch.float64) * 3
    target = torch.randn(rows, generator=gen, dtype=torch.float64)
    return matrix, target


def test_face_masks_are_every_subset():
    masks = face_masks(3)
    assert masks.shape == (8, 3)
    assert {tuple(row) for row in masks.tolist()} == set(
        itertools.product([False, True], repeat=3))
    assert masks[5].tolist() == [True, False, True]   # 5 = 0b101


@pytest.mark.parametrize('num', [1, 2, 3, 5, 10])
def test_nonnegative_qp_matches_scipy_nnls(num):
    gen = torch.Generator().manual_seed(num)
    for rows in (num, num + 7):
        for _ in range(4):
            matrix, target = random_problem(num, rows, gen)
            x = nonnegative_qp(matrix.T @ matrix, -matrix.T @ target)
            expected, _ = nnls(matrix.numpy(), target.numpy())
            np.testing.assert_allclose(x.numpy(), expected, atol=1e-9)
            assert (x >= 0).all()


def test_nonnegative_qp_rank_deficient_reaches_the_nnls_minimum():
    """K > rank: the minimiser may not be unique, its value is."""
    gen = torch.Generator().manual_seed(3)
    for _ in range(5):
        matrix, target = random_problem(6, 3, gen)
        x = nonnegative_qp(matrix.T @ matrix, -matrix.T @ target)
        expected, residual = nnls(matrix.numpy(), target.numpy())
        got = np.linalg.norm(matrix.numpy() @ x.numpy() - target.numpy())
        assert got == pytest.approx(residual, abs=1e-9)
        assert (x >= 0).all()


def test_nonnegative_qp_many_right_hand_sides_and_scale():
    gen = torch.Generator().manual_seed(1)
    matrix, _ = random_problem(4, 6, gen)
    targets = torch.randn(6, 3, generator=gen, dtype=torch.float64)
    # scaling Q and c together does not move the minimiser
    x = nonnegative_qp(1e-9 * matrix.T @ matrix, -1e-9 * matrix.T @ targets)
    assert x.shape == (4, 3)
    for column in range(3):
        expected, _ = nnls(matrix.numpy(), targets[:, column].numpy())
        np.testing.assert_allclose(x[:, column].numpy(), expected,
                                   atol=1e-8)


def test_nonnegative_qp_host_path_matches_the_device_path(monkeypatch):
    gen = torch.Generator().manual_seed(2)
    matrix, targets = random_problem(5, 8, gen)
    quad, lin = matrix.T @ matrix, -matrix.T @ targets
    exact = nonnegative_qp(quad, lin)
    monkeypatch.setattr(active_set, 'EXACT_MAX_SIZE', 3)
    torch.testing.assert_close(nonnegative_qp(quad, lin), exact,
                               atol=1e-9, rtol=0)


def test_nonnegative_qp_hand_value():
    """K = 2 with a hand-checkable answer: Q = diag(1, 2), c = (-1, 1):
    x = (1, 0) (the second variable is pushed to its bound)."""
    x = nonnegative_qp(torch.diag(torch.tensor([1., 2.])),
                       torch.tensor([-1., 1.]))
    torch.testing.assert_close(x, torch.tensor([1., 0.],
                                               dtype=torch.float64))


def test_nonnegative_qp_bad_shapes():
    with pytest.raises(ValueError, match=r'square.*\(2, 3\)'):
        nonnegative_qp(torch.zeros(2, 3), torch.zeros(2))
    with pytest.raises(ValueError, match=r'K = 2.*\(3,\)'):
        nonnegative_qp(torch.eye(2), torch.zeros(3))


def simplex_grid(num, steps):
    points = [c + (steps - sum(c),) for c in itertools.product(
        range(steps + 1), repeat=num - 1) if sum(c) <= steps]
    return np.array(points, dtype=np.float64) / steps


@pytest.mark.parametrize('vectors', [
    [[1., 0., 0.], [0., 2., 0.], [0., 0., 3.]],
    [[1., 0.], [-0.5, 3**0.5 / 2], [-0.5, -3**0.5 / 2]],
    [[1., 0.2, 0.], [0.6, 1., 0.1], [-0.4, 0.3, 1.]],
    [[2., 1.], [1., 2.], [3., 3.]],
    [[1., 1.], [1., 1.], [2., 0.5]],          # two equal vectors
])
def test_exact_min_norm_matches_grid_search(vectors):
    vectors = torch.tensor(vectors, dtype=torch.float64)
    gram = vectors @ vectors.T
    grid = simplex_grid(3, 300)
    costs = np.einsum('pi,ij,pj->p', grid, gram.numpy(), grid)
    alpha = exact_min_norm(gram)
    assert float(alpha.sum()) == pytest.approx(1.0)
    assert bool((alpha >= 0).all())
    cost = float(alpha @ gram @ alpha)
    assert cost <= costs.min() + 1e-12
    assert cost == pytest.approx(costs.min(), abs=1e-4)


def test_exact_min_norm_two_vectors_closed_form_and_frank_wolfe():
    gen = torch.Generator().manual_seed(0)
    for _ in range(5):
        g = torch.randn(2, 6, generator=gen, dtype=torch.float64)
        v11, v12, v22 = (float(g[0] @ g[0]), float(g[0] @ g[1]),
                         float(g[1] @ g[1]))
        gamma = min(max((v22 - v12) / (v11 + v22 - 2 * v12), 0.0), 1.0)
        torch.testing.assert_close(
            exact_min_norm(g @ g.T),
            torch.tensor([gamma, 1 - gamma], dtype=torch.float64))
    for num, size in ((5, 3), (8, 20)):   # never worse than Frank-Wolfe
        g = torch.randn(num, size, generator=gen, dtype=torch.float64)
        gram = g @ g.T
        exact = exact_min_norm(gram)
        frank_wolfe = min_norm_solver(gram, 5000, 1e-12)
        assert float(exact @ gram @ exact) <= float(
            frank_wolfe @ gram @ frank_wolfe) + 1e-12


def test_exact_min_norm_beyond_the_exact_size_uses_the_host(monkeypatch):
    gen = torch.Generator().manual_seed(4)
    g = torch.randn(6, 4, generator=gen, dtype=torch.float64)
    gram = g @ g.T
    exact = exact_min_norm(gram)
    monkeypatch.setattr(active_set, 'EXACT_MAX_SIZE', 2)
    host = exact_min_norm(gram)
    assert float(host @ gram @ host) == pytest.approx(
        float(exact @ gram @ exact), abs=1e-10)
    with pytest.raises(ValueError, match=r'square.*\(1, 2\)'):
        exact_min_norm(torch.zeros(1, 2))
