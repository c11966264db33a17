"""The solver of ``G w = w^(-1/alpha)`` against scipy and hand values."""
import numpy as np
import pytest
import torch
from scipy.optimize import least_squares, minimize

from mtlw.weighting.utils import power_equation_solver, solve_or_keep


def scipy_solution(gram, alpha):
    """``G w = w^(-1/alpha)`` with scipy: L-BFGS-B on the convex
    ``f(w) = 1/2 w^T G w - sum_i h(w_i)``, ``w > 0``, in the variables
    ``x = w / d`` with ``d_i = G_ii^(-alpha/(1+alpha))`` (the solution for
    orthogonal gradients, a diagonal preconditioner), polished by least
    squares on the residual ``w^(1/alpha) (G w) - 1`` in ``log w``."""
    gram = np.asarray(gram, dtype=np.float64)
    power = 1 / alpha
    scale = np.diag(gram)**(-alpha / (1 + alpha))

    def utility(w):
        return np.log(w) if power == 1 else w**(1 - power) / (1 - power)

    def objective(x):
        w = scale * x
        value = 0.5 * w @ gram @ w - utility(w).sum()
        return value, scale * (gram @ w - w**-power)

    def residual(v):
        w = np.exp(v)
        return w**power * (gram @ w) - 1

    found = minimize(objective, np.ones(len(gram)), jac=True,
                     method='L-BFGS-B', bounds=[(1e-12, None)] * len(gram),
                     options=dict(ftol=1e-15, gtol=1e-12, maxiter=10000))
    result = least_squares(residual, np.log(scale * found.x), method='lm',
                           xtol=1e-15, ftol=1e-15, gtol=1e-15)
    assert np.abs(residual(result.x)).max() < 1e-9
    return np.exp(result.x)


def random_gradients(rng, num, size, kind):
    if kind == 'random':
        return rng.normal(size=(num, size))
    if kind == 'scales':  # norms from 1e-3 to 1e3
        return rng.normal(size=(num, size)) * 10**rng.uniform(
            -3, 3, size=(num, 1))
    # nearly collinear, all in one direction: condition number ~ 1e10
    base = rng.normal(size=size)
    return (base + 1e-5 * rng.normal(size=(num, size))) * rng.uniform(
        0.5, 2, size=(num, 1))


@pytest.mark.parametrize('alpha', [1.0, 0.5, 2.0])
@pytest.mark.parametrize('kind', ['random', 'scales', 'collinear'])
def test_matches_scipy(kind, alpha):
    rng = np.random.default_rng(0)
    for num in (2, 3, 5):
        g = random_gradients(rng, num, 8, kind)
        gram = g @ g.T
        weights, converged = power_equation_solver(torch.tensor(gram), alpha)
        assert bool(converged)
        assert weights.dtype == torch.float64
        np.testing.assert_allclose(weights.numpy(),
                                   scipy_solution(gram, alpha), rtol=1e-6)


def test_two_orthogonal_and_rank_deficient_by_hand():
    # orthogonal: w_i = G_ii^(-1/2) for alpha = 1, G_ii^(-2/3) for alpha = 2
    gram = torch.diag(torch.tensor([4.0, 0.25]))
    weights, _ = power_equation_solver(gram, 1.0)
    torch.testing.assert_close(weights, torch.tensor([0.5, 2.0],
                                                     dtype=torch.float64))
    weights, _ = power_equation_solver(gram, 2.0)
    torch.testing.assert_close(
        weights, torch.tensor([4**(-2 / 3), 0.25**(-2 / 3)],
                              dtype=torch.float64))
    # collinear, same direction, norms n_i (rank 1): w_i = 1/(n_i sqrt(K))
    norms = torch.tensor([1.0, 2.0, 4.0], dtype=torch.float64)
    weights, converged = power_equation_solver(torch.outer(norms, norms))
    assert bool(converged)
    torch.testing.assert_close(weights, 1 / (norms * 3**0.5))
    # three gradients in a plane (rank 2), within a half-plane
    g = np.array([[1., 0.], [0., 1.], [1., 1.]])
    weights, converged = power_equation_solver(torch.tensor(g @ g.T))
    assert bool(converged)
    np.testing.assert_allclose(weights.numpy(),
                               scipy_solution(g @ g.T, 1.0), rtol=1e-6)


def test_scale_equivariance():
    """``s G`` has the solution ``s^(-alpha/(1+alpha)) w``, at any scale."""
    rng = np.random.default_rng(1)
    g = rng.normal(size=(3, 4))
    gram = torch.tensor(g @ g.T)
    for alpha in (1.0, 3.0):
        weights, _ = power_equation_solver(gram, alpha)
        for scale in (1e-12, 1e8):
            scaled, converged = power_equation_solver(scale * gram, alpha)
            assert bool(converged)
            torch.testing.assert_close(
                scaled, weights * scale**(-alpha / (1 + alpha)))


def test_float32_input():
    rng = np.random.default_rng(2)
    g = rng.normal(size=(3, 6))
    gram = torch.tensor(g @ g.T, dtype=torch.float32)
    weights, converged = power_equation_solver(gram)
    assert bool(converged)
    np.testing.assert_allclose(
        weights.numpy(), scipy_solution(gram.double().numpy(), 1.0),
        rtol=1e-6)


def test_zero_gradient_gets_zero_and_the_others_solve_alone():
    rng = np.random.default_rng(3)
    g = rng.normal(size=(3, 5))
    g[1] = 0.0
    weights, converged = power_equation_solver(torch.tensor(g @ g.T))
    assert bool(converged)
    assert float(weights[1]) == 0.0
    rest = g[[0, 2]]
    np.testing.assert_allclose(weights[[0, 2]].numpy(),
                               scipy_solution(rest @ rest.T, 1.0), rtol=1e-6)
    # all zero: all weights 0
    weights, converged = power_equation_solver(torch.zeros(2, 2))
    assert bool(converged) and weights.tolist() == [0.0, 0.0]


@pytest.mark.parametrize('gram', [
    [[5., -5.], [-5., 5.]],                          # exactly opposite
    [[1., -2., 0.], [-2., 4., 0.], [0., 0., 1.]],    # two opposite of three
    [[1., -.5, -.5], [-.5, 1., -.5], [-.5, -.5, 1.]],  # g_1 + g_2 + g_3 = 0
])
def test_no_positive_solution_is_reported(gram):
    """A non-negative combination of the gradients is zero: ``f`` is
    unbounded below and the previous weights are kept."""
    gram = torch.tensor(gram, dtype=torch.float64)
    _, converged = power_equation_solver(gram)
    assert not bool(converged)
    previous = torch.full((len(gram),), 0.5)
    weights, failed = solve_or_keep(gram, previous, 1.0, 20)
    assert int(failed) == 1
    torch.testing.assert_close(weights, previous)


def test_solve_or_keep_returns_the_solution_in_the_dtype_of_previous():
    gram = torch.diag(torch.tensor([4.0, 1.0]))
    weights, failed = solve_or_keep(gram, torch.ones(2), 1.0, 20)
    assert int(failed) == 0 and weights.dtype == torch.float32
    torch.testing.assert_close(weights, torch.tensor([0.5, 1.0]))


def test_bad_arguments():
    with pytest.raises(ValueError, match=r'square.*\(2, 3\)'):
        power_equation_solver(torch.zeros(2, 3))
    with pytest.raises(ValueError, match='alpha must be > 0, got 0'):
        power_equation_solver(torch.eye(2), alpha=0)
