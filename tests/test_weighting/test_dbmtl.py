"""DB-MTL against LibMTL's update written out in numpy, over several steps."""
import numpy as np
import pytest
import torch

from mtlw.registry import WEIGHTERS
from mtlw.weighting import DBMTL
from tests._fixtures.gradient_rules import prescribed_step

#: (K, P) gradients of three steps: conflicting, aligned, one zero.
CASES = {
    'conflicting-2': [[[1., 0.5, -1.], [-2., 1., 0.5]],
                      [[0.5, 1., -1.], [-1., 0.2, 2.]],
                      [[2., -1., 0.], [-0.3, 1., 1.]]],
    'aligned-3': [[[1., 0.2, 0.], [0.8, 1., 0.3], [1., 0.5, 1.]],
                  [[0.5, 0.2, 0.1], [0.7, 1.5, 0.3], [2., 0.5, 1.]],
                  [[1., 1., 0.], [0.3, 1., 0.3], [1., 0.1, 0.4]]],
    'conflicting-3-one-zero': [
        [[1., 0., -1.], [0., 0., 0.], [-1., 2., 0.5]],
        [[0.5, 1., -1.], [0., 0., 0.], [-1., 0.2, 2.]],
        [[2., -1., 0.], [0., 0., 0.], [-0.3, 1., 1.]]],
}
VALUES = [[0.7, 2.5, 1.3], [0.6, 2.0, 1.4], [0.5, 1.8, 1.0]]


def libmtl_dbmtl(steps, values, beta, beta_sigma):
    """LibMTL's DB_MTL.backward, step by step: the shared gradients, the
    heads' weights (the log-loss gradient) and a_i / (L_i + eps)."""
    buffer, results = 0.0, []
    for step, (grads, losses) in enumerate(zip(steps, values), start=1):
        grads = np.asarray(grads, dtype=np.float64)
        losses = np.asarray(losses[:len(grads)], dtype=np.float64)
        batch = grads / (losses + 1e-8)[:, None]
        buffer = batch + beta / step**beta_sigma * (buffer - batch)
        norms = np.linalg.norm(buffer, axis=1)
        alpha = norms.max() / (norms + 1e-8)
        shared = sum(alpha[i] * buffer[i] for i in range(len(grads)))
        results.append((shared, 1 / (losses + 1e-8),
                        alpha / (losses + 1e-8)))
    return results


@pytest.mark.parametrize('mode', ['params', 'representation'])
@pytest.mark.parametrize('beta, beta_sigma', [(0.9, 0.0), (0.5, 0.5)])
@pytest.mark.parametrize('case', sorted(CASES))
def test_matches_libmtl_over_three_steps(case, beta, beta_sigma, mode):
    steps = CASES[case]
    weighter = DBMTL(beta=beta, beta_sigma=beta_sigma, mode=mode)
    expected = libmtl_dbmtl(steps, VALUES, beta, beta_sigma)
    for grads, values, (shared, heads, reported) in zip(steps, VALUES,
                                                        expected):
        values = torch.tensor(values[:len(grads)])
        out = prescribed_step(weighter, torch.tensor(grads), values=values)
        np.testing.assert_allclose(out['shared'].numpy(), shared, rtol=1e-5,
                                   atol=1e-6)
        np.testing.assert_allclose(out['heads'].numpy(),
                                   heads * values.numpy(), rtol=1e-5)
        np.testing.assert_allclose(out['weights'].numpy(), reported,
                                   rtol=1e-5)
    assert weighter.grad_ema.shape == (len(steps[0]), 3)
    assert int(weighter.num_updates) == 3


def run(weighter, steps, start=0):
    return [prescribed_step(weighter, torch.tensor(grads),
                            values=torch.tensor(values[:len(grads)]))
            for grads, values in zip(steps[start:], VALUES[start:])]


def test_resume_into_a_fresh_weighter_continues_the_run():
    steps = CASES['conflicting-2']
    straight = run(DBMTL(beta_sigma=0.5), steps)
    first = DBMTL(beta_sigma=0.5)
    run(first, steps[:1])
    state = first.state_dict()
    assert state['grad_ema'].shape == (2, 3)
    resumed = DBMTL(beta_sigma=0.5)
    resumed.load_state_dict(state)
    for got, want in zip(run(resumed, steps, start=1), straight[1:]):
        for key in ('shared', 'heads', 'weights'):
            torch.testing.assert_close(got[key], want[key])


def test_eval_uses_the_last_weights():
    weighter = DBMTL()
    assert weighter.needs_shared
    out = run(weighter, CASES['aligned-3'][:1])[0]
    weighter.eval()
    _, weights = weighter({f'loss_{i}': torch.tensor(1.) for i in range(3)})
    torch.testing.assert_close(torch.stack(list(weights.values())),
                               out['weights'])


def test_registered_and_argument_errors():
    assert WEIGHTERS.get('DBMTL') is DBMTL
    with pytest.raises(ValueError, match=r'DBMTL beta must be a finite '
                       r'number in \[0.0, 1.0\], got 1.5'):
        DBMTL(beta=1.5)
    with pytest.raises(ValueError, match='DBMTL beta_sigma must be .* got -1'):
        DBMTL(beta_sigma=-1)
    with pytest.raises(ValueError, match='mode must be one of'):
        DBMTL(mode='features')
