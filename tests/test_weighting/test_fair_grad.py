"""FairGrad against LibMTL's solve (scipy least squares on the host)."""
import numpy as np
import pytest
import torch
from scipy.optimize import least_squares

from mtlw.registry import WEIGHTERS
from mtlw.weighting import FairGrad
from tests._fixtures.gradient_rules import prescribed_step

CONFLICTING_2 = [[1.0, 0.2, 0.0], [-0.5, 1.0, 0.3]]
ALIGNED_2 = [[1.0, 0.5, 0.0], [2.0, 1.2, 0.1]]
CONFLICTING_3 = [[1.0, 0.0, 0.2], [-0.4, 1.0, 0.0], [-0.3, -0.6, 0.8]]
ALIGNED_3 = [[1.0, 0.3, 0.1], [0.8, 0.5, 0.0], [3.0, 0.4, 0.3]]
ZERO_3 = [[1.0, 0.0, 0.2], [0.0, 0.0, 0.0], [0.3, 1.0, 0.0]]


def libmtl_weights(gradients, alpha):
    """LibMTL's ``FairGrad.backward``: least squares on ``G x - (1/x)^(1 /
    alpha)`` from ``x = 1/K``, bounds ``(0, inf)``, default tolerances."""
    g = np.asarray(gradients, dtype=np.float64)
    gram = g @ g.T
    start = np.ones(len(g)) / len(g)
    result = least_squares(lambda x: gram @ x - np.power(1 / x, 1 / alpha),
                           start, bounds=(0, np.inf))
    return result.x


@pytest.mark.parametrize('mode', ['params', 'representation'])
@pytest.mark.parametrize('alpha', [1.0, 2.0, 0.5])
@pytest.mark.parametrize('gradients', [CONFLICTING_2, ALIGNED_2,
                                       CONFLICTING_3, ALIGNED_3])
def test_matches_libmtl(gradients, alpha, mode):
    weights = libmtl_weights(gradients, alpha)
    rule = FairGrad(alpha=alpha, mode=mode)
    out = prescribed_step(rule, torch.tensor(gradients))
    # LibMTL stops at scipy's default tolerances (1e-8 on the cost)
    np.testing.assert_allclose(out['weights'].numpy(), weights, rtol=1e-4)
    np.testing.assert_allclose(out['shared'].numpy(),
                               weights @ np.asarray(gradients), rtol=1e-4,
                               atol=1e-6)
    heads = out['weights'] * (torch.tensor(gradients) @ out['theta'])
    torch.testing.assert_close(out['heads'], heads)
    # and the exact equation
    g = torch.tensor(gradients, dtype=torch.float64)
    w = out['weights'].double()
    torch.testing.assert_close((g @ g.T) @ w, w.pow(-1 / alpha), rtol=1e-5,
                               atol=0)
    assert int(rule.unsolved) == 0


def test_zero_gradient_gets_weight_zero():
    """LibMTL's least squares drives that weight up without bound; here it
    is 0 and the others solve among themselves."""
    out = prescribed_step(FairGrad(alpha=2.0), torch.tensor(ZERO_3))
    rest = libmtl_weights([ZERO_3[0], ZERO_3[2]], 2.0)
    assert float(out['weights'][1]) == 0.0
    np.testing.assert_allclose(out['weights'][[0, 2]].numpy(), rest,
                               rtol=1e-4)
    np.testing.assert_allclose(out['shared'].numpy(),
                               rest @ np.asarray(ZERO_3)[[0, 2]], rtol=1e-4)
    assert float(out['heads'][1]) == 0.0


def test_no_solution_keeps_the_last_weights_and_resumes():
    opposite = torch.tensor([[1.0, 2.0], [-2.0, -4.0]])
    gen = torch.Generator().manual_seed(0)
    matrices = [torch.randn(2, 2, generator=gen), opposite,
                torch.randn(2, 2, generator=gen), opposite]
    straight = FairGrad()
    expected = [prescribed_step(straight, g) for g in matrices]
    torch.testing.assert_close(expected[1]['weights'],
                               expected[0]['weights'])
    torch.testing.assert_close(expected[1]['shared'],
                               expected[0]['weights'] @ opposite)
    assert int(straight.unsolved) == 2
    first = FairGrad()
    for g in matrices[:3]:
        prescribed_step(first, g)
    resumed = FairGrad()
    resumed.load_state_dict(first.state_dict())
    out = prescribed_step(resumed, matrices[3])
    torch.testing.assert_close(out['weights'], expected[3]['weights'])
    torch.testing.assert_close(out['weights'], expected[2]['weights'])
    assert int(resumed.unsolved) == 2


def test_eval_weights_are_one():
    rule = FairGrad()
    rule.eval()
    total, weights = rule({'a': torch.tensor(2.0), 'b': torch.tensor(3.0)})
    assert float(total) == 5.0
    assert [float(w) for w in weights.values()] == [1.0, 1.0]


@pytest.mark.parametrize('kwargs, match', [
    (dict(alpha=0.0), r'FairGrad alpha must be a finite number in \(0.0'),
    (dict(alpha=float('inf')), 'FairGrad alpha must be a finite number'),
    (dict(niter=0), 'FairGrad niter must be an int >= 1, got 0'),
    (dict(mode='rep'), 'mode must be one of'),
])
def test_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        FairGrad(**kwargs)


def test_registered():
    rule = WEIGHTERS.build(dict(type='FairGrad', alpha=2.0))
    assert isinstance(rule, FairGrad) and rule.alpha == 2.0
    assert 'alpha=2.0, niter=20' in repr(rule)
