"""CAGrad against the authors' recipe with scipy's SLSQP."""
import numpy as np
import pytest
import torch
from scipy.optimize import minimize

from mtlw.registry import WEIGHTERS
from mtlw.weighting import CAGrad
from mtlw.weighting import cagrad as cagrad_module
from mtlw.weighting.cagrad import conflict_averse_weights
from tests._fixtures.gradient_rules import GRADIENT_CASES, prescribed_step
from tests._fixtures.gradient_sequences import assert_resume_continues

# a zero gradient has its own hand-computed test
CASES = {name: grads for name, grads in GRADIENT_CASES.items()
         if name != 'one_zero'}


def slsqp_weights(gram, radius, ftol=1e-12):
    """The authors' dual: SLSQP from the uniform start over the simplex
    (a tighter ``ftol`` than scipy's default 1e-6)."""
    num = len(gram)
    start = np.ones(num) / num

    def objective(x):
        return x @ gram @ start + radius * np.sqrt(x @ gram @ x + 1e-8)

    return minimize(objective, start, bounds=[(0, 1)] * num,
                    constraints={'type': 'eq', 'fun': lambda x: 1 - x.sum()},
                    options=dict(ftol=ftol, maxiter=500)).x, objective


def reference_direction(gradients, calpha=0.5, rescale=1):
    """CAGrad's shared gradient as the authors' code computes it."""
    grads = np.asarray(gradients, dtype=np.float64)
    gram = grads @ grads.T
    radius = calpha * np.sqrt(gram.mean() + 1e-8) + 1e-8
    weights, _ = slsqp_weights(gram, radius)
    combined = weights @ grads
    direction = grads.mean(0) + radius / (
        np.linalg.norm(combined) + 1e-8) * combined
    return direction / {0: 1, 1: 1 + calpha**2, 2: 1 + calpha}[rescale]


@pytest.mark.parametrize('mode', ['params', 'representation'])
@pytest.mark.parametrize('case', sorted(CASES))
def test_shared_gradient_heads_and_reported(case, mode):
    gradients = torch.tensor(CASES[case])
    out = prescribed_step(CAGrad(mode=mode), gradients)
    expected = torch.tensor(reference_direction(CASES[case]),
                            dtype=torch.float32)
    torch.testing.assert_close(out['shared'], expected, atol=1e-4,
                               rtol=1e-4)
    # heads: their own loss's gradient, weight 1
    torch.testing.assert_close(out['heads'], gradients @ out['theta'])
    # reported: the coefficients of the shared gradient
    torch.testing.assert_close(out['weights'] @ gradients, out['shared'],
                               atol=1e-5, rtol=1e-5)


def test_orthogonal_equal_gradients_by_hand():
    """g = (1, 0), (0, 1): w = (1/2, 1/2) by symmetry, g_w = g_0, so
    d = (1 + calpha) g_0 / (1 + calpha^2) = 1.2 g_0 = (0.6, 0.6)."""
    out = prescribed_step(CAGrad(), torch.eye(2))
    torch.testing.assert_close(out['shared'], torch.tensor([.6, .6]))
    torch.testing.assert_close(out['weights'], torch.tensor([.6, .6]))


def test_zero_gradient_takes_the_dual_weight():
    """A zero gradient makes g_w = 0 reachable at w = e_zero (the other
    two have no conflict-free zero combination), so d = g_0 / 1.25;
    SLSQP only approaches that point, where lambda = r / 1e-8 amplifies
    its error, so the reference here is the hand value."""
    gradients = torch.tensor([[1., 0., 0.], [0., 0., 0.], [-1., .5, 0.]])
    out = prescribed_step(CAGrad(), gradients)
    torch.testing.assert_close(out['shared'], gradients.mean(0) / 1.25)
    torch.testing.assert_close(out['heads'], gradients @ out['theta'])


@pytest.mark.parametrize('rescale, calpha', [(0, .5), (2, .5), (1, 0.),
                                             (1, 2.)])
def test_rescale_and_calpha(rescale, calpha):
    gradients = CASES['three_conflicting']
    out = prescribed_step(CAGrad(calpha=calpha, rescale=rescale),
                          torch.tensor(gradients))
    expected = reference_direction(gradients, calpha, rescale)
    torch.testing.assert_close(out['shared'],
                               torch.tensor(expected, dtype=torch.float32),
                               atol=1e-4, rtol=1e-4)


def test_dual_weights_match_slsqp_on_random_problems():
    """Never a higher objective than SLSQP (tight tolerance), and the
    same weights to 1e-3 where the problem is well scaled."""
    gen = torch.Generator().manual_seed(0)
    for num, size in ((2, 5), (3, 2), (4, 4), (6, 30), (10, 12)):
        for _ in range(3):
            grads = torch.randn(num, size, generator=gen, dtype=torch.float64)
            gram = grads @ grads.T
            radius = 0.5 * (gram.mean() + 1e-8).sqrt() + 1e-8
            weights = conflict_averse_weights(gram, radius).numpy()
            expected, objective = slsqp_weights(gram.numpy(), float(radius))
            assert weights.min() >= 0
            assert weights.sum() == pytest.approx(1.0)
            assert objective(weights) <= objective(expected) + 1e-10
            np.testing.assert_allclose(weights, expected, atol=1e-3)


def test_beyond_the_exact_size_slsqp_on_the_host(monkeypatch):
    gen = torch.Generator().manual_seed(1)
    grads = torch.randn(4, 6, generator=gen, dtype=torch.float64)
    gram = grads @ grads.T
    radius = 0.5 * (gram.mean() + 1e-8).sqrt() + 1e-8
    exact = conflict_averse_weights(gram, radius)
    monkeypatch.setattr(cagrad_module, 'EXACT_MAX_SIZE', 2)
    host = conflict_averse_weights(gram, radius)
    torch.testing.assert_close(host, exact, atol=1e-3, rtol=0)


def test_all_zero_gradients_give_uniform_dual_weights():
    weights = conflict_averse_weights(torch.zeros(3, 3), torch.tensor(1e-4))
    torch.testing.assert_close(weights,
                               torch.full((3,), 1 / 3, dtype=torch.float64))


def test_stateless_resume_and_eval_weights():
    assert_resume_continues(lambda: CAGrad(mode='representation'))
    weighter = CAGrad()
    prescribed_step(weighter, torch.tensor(CASES['two_conflicting']))
    weighter.eval()
    out = prescribed_step(weighter, torch.tensor(CASES['two_conflicting']))
    torch.testing.assert_close(out['weights'], torch.ones(2))


@pytest.mark.parametrize('kwargs, message', [
    (dict(calpha=-0.1), 'CAGrad calpha .* got -0.1'),
    (dict(rescale=3), r'CAGrad rescale must be one of \(0, 1, 2\), got 3'),
    (dict(rescale=True), 'CAGrad rescale .* got True'),
    (dict(mode='grad'), "CAGrad mode must be one of .* got 'grad'"),
])
def test_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        WEIGHTERS.build(dict(type='CAGrad', **kwargs))
