"""UPGrad against a plainly written projection onto the dual cone."""
import copy

import numpy as np
import pytest
import torch
from scipy.optimize import lsq_linear

from mtlw.registry import WEIGHTERS
from mtlw.weighting import UPGrad
from mtlw.weighting.upgrad import upgrad_weights
from tests._fixtures.gradient_rules import GRADIENT_CASES, prescribed_step
from tests._fixtures.gradient_sequences import (SEQUENCE,
                                                assert_resume_continues)

CASES = GRADIENT_CASES


def reference_weights(gradients, norm_eps=1e-4, reg_eps=1e-4):
    """TorchJD's recipe with an independent solver: for each ``i``,
    ``v = argmin_{v >= e_i / K} ||L^T v||^2`` (``H = L L^T`` the
    normalised, regularised Gram matrix) by scipy's bounded least
    squares; the weights are the sum of the ``v``."""
    grads = np.asarray(gradients, dtype=np.float64)
    num = len(grads)
    gram = grads @ grads.T
    trace = np.trace(gram)
    gram = gram / trace if trace >= norm_eps else np.zeros_like(gram)
    factor = np.linalg.cholesky(gram + reg_eps * np.eye(num))
    total = np.zeros(num)
    for i in range(num):
        lower = np.eye(num)[i] / num
        upper = np.full(num, np.inf)
        result = lsq_linear(factor.T, np.zeros(num), bounds=(lower, upper),
                            tol=1e-14, method='bvls')
        total += result.x
    return total


def test_the_torchjd_example():
    """TorchJD's docstring: UPGrad of [[-4, 1, 1], [6, 1, 1]] is
    [0.2929, 1.9004, 1.9004]."""
    jacobian = torch.tensor([[-4., 1., 1.], [6., 1., 1.]])
    weights = upgrad_weights(jacobian @ jacobian.T)
    torch.testing.assert_close(weights.float() @ jacobian,
                               torch.tensor([0.2929, 1.9004, 1.9004]),
                               atol=1e-4, rtol=0)


@pytest.mark.parametrize('mode', ['params', 'representation'])
@pytest.mark.parametrize('case', sorted(CASES))
def test_shared_gradient_heads_and_weights(case, mode):
    gradients = torch.tensor(CASES[case])
    out = prescribed_step(UPGrad(mode=mode), gradients)
    weights = torch.tensor(reference_weights(CASES[case]),
                           dtype=torch.float32)
    torch.testing.assert_close(out['weights'], weights, atol=1e-5,
                               rtol=1e-5)
    torch.testing.assert_close(out['shared'], weights @ gradients,
                               atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(out['heads'],
                               weights * (gradients @ out['theta']))
    # no loss is made worse (up to the regularisation)
    assert (gradients @ out['shared'] > -1e-3).all()
    assert (out['weights'] >= 1 / len(gradients) - 1e-6).all()


@pytest.mark.parametrize('case', ['two_aligned', 'three_aligned'])
def test_no_conflict_gives_the_mean(case):
    gradients = torch.tensor(CASES[case])
    out = prescribed_step(UPGrad(), gradients)
    num = len(gradients)
    torch.testing.assert_close(out['weights'], torch.full((num,), 1 / num))
    torch.testing.assert_close(out['shared'], gradients.mean(0))


def test_opposite_gradients_cancel():
    """g and -g: the dual cone is the orthogonal complement of g, so each
    projection is 0 = v_1 g - v_2 g with the least v >= e_i / 2: v = (1/2,
    1/2) for both, w = (1, 1) (up to the regularisation)."""
    gradients = torch.tensor([[1., 2.], [-1., -2.]])
    out = prescribed_step(UPGrad(), gradients)
    torch.testing.assert_close(out['shared'], torch.zeros(2), atol=1e-3,
                               rtol=0)
    torch.testing.assert_close(out['weights'], torch.ones(2), atol=1e-3,
                               rtol=0)


def test_tiny_gradients_get_the_mean():
    """Below norm_eps (on the trace of the Gram matrix) the normalised
    matrix is zero, as in TorchJD: the mean of the gradients."""
    gradients = torch.tensor([[1e-3, 0.], [-1e-3, 1e-3]])
    out = prescribed_step(UPGrad(), gradients)
    torch.testing.assert_close(out['weights'], torch.full((2,), .5))
    out = prescribed_step(UPGrad(norm_eps=1e-7), gradients)
    weights = torch.tensor(reference_weights(gradients, norm_eps=1e-7),
                           dtype=torch.float32)
    torch.testing.assert_close(out['weights'], weights)
    assert out['weights'][0] > 0.55


def test_more_losses_than_the_exact_size_use_the_host_solver():
    gen = torch.Generator().manual_seed(0)
    gradients = torch.randn(12, 5, generator=gen)
    weights = upgrad_weights(gradients @ gradients.T)
    np.testing.assert_allclose(weights.numpy(),
                               reference_weights(gradients), atol=1e-6)


def test_state_resume_and_eval_weights():
    def make():
        return UPGrad(mode='representation')

    assert_resume_continues(make)
    weighter = make()
    for step in SEQUENCE[:2]:
        last = prescribed_step(weighter, step)['weights']
    resumed = make()
    resumed.load_state_dict(copy.deepcopy(weighter.state_dict()))
    resumed.eval()
    out = prescribed_step(resumed, SEQUENCE[3])
    torch.testing.assert_close(out['weights'], last)


def test_weights_before_the_first_step_are_the_mean():
    weighter = UPGrad()
    weighter.eval()
    out = prescribed_step(weighter, torch.tensor(CASES['three_aligned']))
    torch.testing.assert_close(out['weights'], torch.full((3,), 1 / 3))


@pytest.mark.parametrize('kwargs, message', [
    (dict(norm_eps=-1.0), 'UPGrad norm_eps .* got -1.0'),
    (dict(reg_eps=float('nan')), 'UPGrad reg_eps .* got nan'),
    (dict(mode='grad'), "UPGrad mode must be one of .* got 'grad'"),
])
def test_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        WEIGHTERS.build(dict(type='UPGrad', **kwargs))
