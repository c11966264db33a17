"""MGDA, MGDA-UB and the min-norm solver against hand and grid values."""
import itertools
import math

import numpy as np
import pytest
import torch
from torch import nn

from mtlw.registry import WEIGHTERS
from mtlw.weighting import MGDA, min_norm_solver
from mtlw.weighting.mgda import normalize_gram
from mtlw.weighting.utils.min_norm_solver import min_norm_pair


def gram_of(vectors):
    g = torch.tensor(vectors, dtype=torch.float64)
    return g @ g.T


@pytest.mark.parametrize('v1, v2, gamma', [
    ((1., 0.), (0., 1.), 0.5),        # orthogonal, equal length
    ((3., 0.), (-1., 0.), 0.25),      # opposite: 0.75 * 3 - 0.25 * ... = 0
    ((1., 0.), (2., 0.), 1.0),        # v1 lies between 0 and v2
    ((2., 0.), (1., 0.), 0.0),        # v2 lies between 0 and v1
    ((1., 1.), (1., 1.), 1.0),        # identical
])
def test_min_norm_pair_closed_form(v1, v2, gamma):
    v1, v2 = np.array(v1), np.array(v2)
    dots = [float(a @ b) for a, b in ((v1, v1), (v1, v2), (v2, v2))]
    got_gamma, cost = min_norm_pair(*dots)
    assert float(got_gamma) == pytest.approx(gamma)
    point = gamma * v1 + (1 - gamma) * v2
    assert float(cost) == pytest.approx(float(point @ point))


def test_solver_two_vectors_is_the_clipped_closed_form():
    gen = torch.Generator().manual_seed(0)
    for _ in range(5):
        g = torch.randn(2, 6, generator=gen, dtype=torch.float64)
        v11, v12, v22 = (float(g[0] @ g[0]), float(g[0] @ g[1]),
                         float(g[1] @ g[1]))
        gamma = min(max((v22 - v12) / (v11 + v22 - 2 * v12), 0.0), 1.0)
        alpha = min_norm_solver(g @ g.T)
        torch.testing.assert_close(
            alpha, torch.tensor([gamma, 1 - gamma], dtype=torch.float64))


def simplex_grid(num, steps):
    """All points of the K-simplex with coordinates in multiples of 1/steps."""
    points = [c + (steps - sum(c),) for c in itertools.product(
        range(steps + 1), repeat=num - 1) if sum(c) <= steps]
    return np.array(points, dtype=np.float64) / steps


@pytest.mark.parametrize('vectors', [
    [[1., 0., 0.], [0., 2., 0.], [0., 0., 3.]],
    [[1., 0.], [-0.5, math.sqrt(3) / 2], [-0.5, -math.sqrt(3) / 2]],
    [[1., 0.2, 0.], [0.6, 1., 0.1], [-0.4, 0.3, 1.]],
    [[2., 1.], [1., 2.], [3., 3.]],
])
def test_solver_three_vectors_matches_grid_search(vectors):
    gram = gram_of(vectors)
    grid = simplex_grid(3, 300)
    costs = np.einsum('pi,ij,pj->p', grid, gram.numpy(), grid)
    alpha = min_norm_solver(gram)
    assert float(alpha.sum()) == pytest.approx(1.0)
    assert bool((alpha >= 0).all())
    cost = float(alpha @ gram @ alpha)
    assert cost <= costs.min() + 1e-9
    assert cost == pytest.approx(costs.min(), abs=1e-4)
    np.testing.assert_allclose(alpha.numpy(), grid[costs.argmin()],
                               atol=1e-2)


def test_solver_one_vector_and_bad_shape():
    assert min_norm_solver(torch.full((1, 1), 4.)).tolist() == [1.]
    with pytest.raises(ValueError, match=r'square.*\(2, 3\)'):
        min_norm_solver(torch.zeros(2, 3))


def test_normalize_gram_options():
    gram = gram_of([[3., 0.], [0., 4.]])
    losses = torch.tensor([2., 4.], dtype=torch.float64)

    def diag(normalization):
        return normalize_gram(gram, losses, normalization).diagonal().tolist()

    assert diag('none') == pytest.approx([9., 16.])
    assert diag('l2') == pytest.approx([1., 1.])
    assert diag('loss') == pytest.approx([9. / 4., 16. / 16.])
    assert diag('loss+') == pytest.approx([1. / 4., 1. / 16.])
    zero_loss = normalize_gram(gram, torch.tensor([0., 4.]), 'loss')
    assert zero_loss.diagonal().tolist() == pytest.approx([9., 1.])
    with pytest.raises(ValueError, match="normalization.*'l1'"):
        normalize_gram(gram, losses, 'l1')
    with pytest.raises(ValueError, match="normalization.*'l1'"):
        MGDA(normalization='l1')


def linear_step(weighter, coefs, x=(1., 1.)):
    """z = I x; loss i = <coefs_i, z>, so d loss_i / d z = coefs_i."""
    trunk = nn.Linear(2, 2, bias=False)
    with torch.no_grad():
        trunk.weight.copy_(torch.eye(2))
    weighter.attach(trunk)
    z = trunk(torch.tensor([x]))
    losses = {f'l{i}': (torch.tensor(c) * z).sum()
              for i, c in enumerate(coefs)}
    total, weights = weighter(losses)
    return z, losses, total, torch.stack(list(weights.values()))


@pytest.mark.parametrize('mode', ['params', 'representation'])
def test_mgda_orthogonal_and_opposite_gradients(mode):
    # g = (1, 0), (0, 2): gamma = 4 / 5
    _, _, _, alpha = linear_step(MGDA(mode=mode), [(1., 0.), (0., 2.)])
    torch.testing.assert_close(alpha, torch.tensor([0.8, 0.2]))
    # g = (1, 0), (-2, 0): 2/3 g1 + 1/3 g2 = 0, the total has no gradient
    # the plain total, whose backward runs through z (with the single
    # backward it lands on the parameters directly)
    z, losses, total, alpha = linear_step(
        MGDA(mode=mode, single_backward=False), [(1., 0.), (-2., 0.)])
    torch.testing.assert_close(alpha, torch.tensor([2 / 3, 1 / 3]))
    torch.testing.assert_close(
        total, alpha[0] * losses['l0'] + alpha[1] * losses['l1'])
    grad_z, = torch.autograd.grad(total, z)
    torch.testing.assert_close(grad_z, torch.zeros(1, 2))


@pytest.mark.parametrize('normalization, alpha0', [
    ('none', 0.8),          # g = (1, 0), (0, 2)
    ('l2', 0.5),            # (1, 0), (0, 1)
    ('loss', 0.1),          # L = 1, 6: (1, 0), (0, 1/3)
    ('loss+', 1 / 37),      # (1, 0), (0, 1/6)
])
def test_mgda_normalization_scales_the_losses_by_alpha(normalization, alpha0):
    weighter = MGDA(normalization=normalization, mode='representation')
    _, losses, total, alpha = linear_step(
        weighter, [(1., 0.), (0., 2.)], x=(1., 3.))
    torch.testing.assert_close(alpha, torch.tensor([alpha0, 1 - alpha0]))
    torch.testing.assert_close(
        total, alpha0 * losses['l0'] + (1 - alpha0) * losses['l1'])


def test_mgda_eval_mode_keeps_the_last_alpha():
    weighter = WEIGHTERS.build(dict(type='MGDA', mode='representation'))
    linear_step(weighter, [(1., 0.), (0., 2.)])
    state = {k: v.clone() for k, v in weighter.state_dict().items()
             if isinstance(v, torch.Tensor)}
    weighter.eval()
    _, losses, total, alpha = linear_step(weighter, [(1., 0.), (-2., 0.)])
    torch.testing.assert_close(alpha, torch.tensor([0.8, 0.2]))
    torch.testing.assert_close(total,
                               0.8 * losses['l0'] + 0.2 * losses['l1'])
    for key, value in weighter.state_dict().items():
        if isinstance(value, torch.Tensor):
            torch.testing.assert_close(value, state[key], msg=key)


def test_mgda_starts_from_equal_weights_without_gradients():
    weighter = MGDA(mode='representation')
    trunk = nn.Linear(2, 2)
    weighter.attach(trunk)
    with torch.no_grad():
        z = trunk(torch.ones(1, 2))
        _, weights = weighter({'a': z.sum(), 'b': z.mean(), 'c': z[0, 0]})
    assert [float(w) for w in weights.values()] == pytest.approx([1 / 3] * 3)


def test_exact_solver_reaches_the_minimum_frank_wolfe_misses():
    """Ill-conditioned Gram matrix: the exact device solve is at least as
    low as Frank-Wolfe and satisfies the optimality conditions."""
    gen = torch.Generator().manual_seed(3)
    basis = torch.randn(5, 5, generator=gen, dtype=torch.float64)
    gradients = basis * torch.tensor([1., 1e-2, 1e-3, 1., 3.],
                                     dtype=torch.float64)[:, None]
    gram = gradients @ gradients.T
    exact, frank_wolfe = (MGDA(solver=solver) for solver in
                          ('exact', 'frank_wolfe'))
    alphas = []
    for weighter in (exact, frank_wolfe):
        weighter._setup(list('abcde'))
        alphas.append(weighter.update(gram, torch.ones(5)).double())
    norm = [float(a @ gram @ a) for a in alphas]
    assert norm[0] <= norm[1] * (1 + 1e-9)
    # KKT: (G alpha)_i equals the minimum on the support, above it off it
    products = gram @ alphas[0]
    minimum = float(alphas[0] @ products)
    support = alphas[0] > 1e-9
    torch.testing.assert_close(products[support],
                               torch.full_like(products[support], minimum))
    assert (products[~support] >= minimum - 1e-12).all()


def test_unknown_solver_is_refused():
    with pytest.raises(ValueError, match="MGDA solver must be one of"):
        MGDA(solver='cvxpy')
