"""ExcessMTL against LibMTL's (the authors') update written out in numpy,
over several steps."""
import numpy as np
import pytest
import torch

from mtlw.registry import WEIGHTERS
from mtlw.weighting import ExcessMTL
from tests.test_weighting.test_dbmtl import CASES, VALUES, run


def libmtl_excess_mtl(steps, step_size):
    """LibMTL's ExcessMTL.backward, step by step: the loss weights. A task
    whose first excess risk is 0 takes its first non-zero one as its
    initial scale (LibMTL divides by the first step's, 0 there)."""
    num = len(steps[0])
    weight, grad_sum = np.ones(num), 0.0
    initial, results = np.zeros(num), []
    for grads in steps:
        grads = np.asarray(grads, dtype=np.float64)
        grad_sum = grad_sum + grads**2
        w = np.array([grads[i] * (1 / np.sqrt(grad_sum[i] + 1e-7))
                      @ grads[i] for i in range(num)])
        ratio = np.divide(w, initial, out=np.zeros(num), where=initial > 0)
        initial = np.where(initial > 0, initial, w)
        weight = weight * np.exp(ratio * step_size)
        weight = weight / weight.sum() * num
        results.append(weight)
    return results


@pytest.mark.parametrize('mode', ['params', 'representation'])
@pytest.mark.parametrize('case', sorted(CASES))
def test_matches_libmtl_over_three_steps(case, mode):
    steps = CASES[case]
    step_size = 0.5  # large enough to move the weights visibly
    outs = run(ExcessMTL(robust_step_size=step_size, mode=mode), steps)
    expected = libmtl_excess_mtl(steps, step_size)
    for out, grads, values, weights in zip(outs, steps, VALUES, expected):
        np.testing.assert_allclose(out['weights'].numpy(), weights,
                                   rtol=1e-5)
        np.testing.assert_allclose(out['shared'].numpy(),
                                   weights @ np.asarray(grads), rtol=1e-5,
                                   atol=1e-6)
        np.testing.assert_allclose(out['heads'].numpy(),
                                   weights * values[:len(weights)],
                                   rtol=1e-5)
    assert not np.allclose(expected[-1], 1.0)


def test_first_update_keeps_the_weights_and_sets_the_scales():
    steps = CASES['conflicting-2']
    weighter = ExcessMTL()
    out = run(weighter, steps[:1])[0]
    torch.testing.assert_close(out['weights'], torch.ones(2))
    grads = torch.tensor(steps[0])
    risks = (grads.square() / (grads.square() + 1e-7).sqrt()).sum(1)
    torch.testing.assert_close(weighter.initial_risks, risks)


def test_a_late_first_gradient_sets_its_own_scale():
    steps = [[[1., 0.5], [0., 0.]], [[0.5, 1.], [2., 1.]],
             [[1., 1.], [1., -1.]]]
    outs = run(ExcessMTL(robust_step_size=0.5), steps)
    for out, weights in zip(outs, libmtl_excess_mtl(steps, 0.5)):
        np.testing.assert_allclose(out['weights'].numpy(), weights,
                                   rtol=1e-5)
    assert torch.isfinite(outs[-1]['weights']).all()


def test_resume_into_a_fresh_weighter_continues_the_run():
    steps = CASES['aligned-3']
    straight = run(ExcessMTL(robust_step_size=0.5), steps)
    first = ExcessMTL(robust_step_size=0.5)
    run(first, steps[:2])
    resumed = ExcessMTL(robust_step_size=0.5)
    resumed.load_state_dict(first.state_dict())
    got = run(resumed, steps, start=2)[0]
    for key in ('shared', 'heads', 'weights'):
        torch.testing.assert_close(got[key], straight[2][key])


def test_registered_and_argument_errors():
    assert WEIGHTERS.get('ExcessMTL') is ExcessMTL
    with pytest.raises(ValueError, match=r'ExcessMTL robust_step_size must '
                       r'be a finite number in \(0.0, inf\), got 0'):
        ExcessMTL(robust_step_size=0)
    with pytest.raises(ValueError, match='mode must be one of'):
        ExcessMTL(mode='features')
