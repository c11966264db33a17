"""MoCo against LibMTL's update (and the paper's projected step) written
out in numpy, over several steps."""
import numpy as np
import pytest
import torch

from mtlw.registry import WEIGHTERS
from mtlw.weighting import MoCo
from tests.test_weighting.test_dbmtl import CASES, VALUES, run


def simplex_projection(v):
    """Sort-based projection onto the simplex, as in the MoCo authors'
    code (``projection_simplex_sort``)."""
    u = np.sort(v)[::-1]
    cssv = np.cumsum(u) - 1
    ind = np.arange(len(v)) + 1
    rho = ind[u - cssv / ind > 0][-1]
    return np.maximum(v - cssv[rho - 1] / rho, 0)


def softmax(v):
    e = np.exp(v - v.max())
    return e / e.sum()


def reference_moco(steps, values, lambda_update, beta=0.5, beta_sigma=0.5,
                   gamma=0.1, gamma_sigma=0.5, rho=0.0):
    """LibMTL's MoCo.backward, step by step (``'softmax'``), or with the
    paper's projection: the shared gradients and lambda."""
    num = len(steps[0])
    y, lambd, results = 0.0, np.full(num, 1 / num), []
    project = simplex_projection if lambda_update == 'projection' \
        else softmax
    for step, (grads, losses) in enumerate(zip(steps, values), start=1):
        grads = np.array(grads, dtype=np.float64)
        for i in range(num):
            grads[i] = grads[i] / (np.linalg.norm(grads[i]) + 1e-8) \
                * losses[i]
        y = y - beta / step**beta_sigma * (y - grads)
        lambd = project(lambd - gamma / step**gamma_sigma
                        * (y @ y.T + rho * np.eye(num)) @ lambd)
        results.append((y.T @ lambd, lambd))
    return results


@pytest.mark.parametrize('mode', ['params', 'representation'])
@pytest.mark.parametrize('lambda_update', ['projection', 'softmax'])
@pytest.mark.parametrize('case', sorted(CASES))
def test_matches_the_reference_over_three_steps(case, lambda_update, mode):
    steps = CASES[case]
    # a large gamma makes the projection clip some lambdas to 0
    kwargs = dict(gamma=2.0, rho=0.1)
    outs = run(MoCo(lambda_update=lambda_update, mode=mode, **kwargs), steps)
    expected = reference_moco(steps, VALUES, lambda_update, **kwargs)
    for out, values, (shared, lambd) in zip(outs, VALUES, expected):
        np.testing.assert_allclose(out['shared'].numpy(), shared, rtol=1e-5,
                                   atol=1e-6)
        np.testing.assert_allclose(out['weights'].numpy(), lambd, rtol=1e-5,
                                   atol=1e-7)
        # heads: their own loss's gradient (weight 1), i.e. the values
        np.testing.assert_allclose(out['heads'].numpy(),
                                   values[:len(lambd)], rtol=1e-6)
    if lambda_update == 'projection' and 'zero' not in case:
        # the projection clipped some lambda to 0 (the softmax never does)
        assert any(bool((out['weights'] == 0).any()) for out in outs)


def test_defaults_match_libmtl_defaults():
    steps = CASES['aligned-3']
    outs = run(MoCo(lambda_update='softmax'), steps)
    for out, (shared, lambd) in zip(outs, reference_moco(steps, VALUES,
                                                         'softmax')):
        np.testing.assert_allclose(out['shared'].numpy(), shared, rtol=1e-5)
        np.testing.assert_allclose(out['weights'].numpy(), lambd, rtol=1e-5)


def test_resume_into_a_fresh_weighter_continues_the_run():
    steps = CASES['conflicting-3-one-zero']
    straight = run(MoCo(), steps)
    first = MoCo()
    run(first, steps[:2])
    resumed = MoCo()
    resumed.load_state_dict(first.state_dict())
    assert resumed.tracked.shape == (3, 3)
    got = run(resumed, steps, start=2)[0]
    for key in ('shared', 'heads', 'weights'):
        torch.testing.assert_close(got[key], straight[2][key])


def test_registered_and_argument_errors():
    assert WEIGHTERS.get('MoCo') is MoCo
    with pytest.raises(ValueError, match="MoCo lambda_update must be one of "
                       r"\('projection', 'softmax'\), got 'clip'"):
        MoCo(lambda_update='clip')
    with pytest.raises(ValueError, match=r'MoCo beta must be a finite number '
                       r'in \(0.0, 1.0\], got 0'):
        MoCo(beta=0)
    with pytest.raises(ValueError, match='MoCo gamma must be .* got -0.1'):
        MoCo(gamma=-0.1)
    with pytest.raises(ValueError, match='MoCo rho must be .* got nan'):
        MoCo(rho=float('nan'))
    with pytest.raises(ValueError, match='MoCo gamma_sigma must be'):
        MoCo(gamma_sigma=-1.0)
