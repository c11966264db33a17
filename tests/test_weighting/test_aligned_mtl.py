"""Aligned-MTL against the authors' recipe written with numpy."""
import numpy as np
import pytest
import torch
from scipy.linalg import sqrtm

from mtlw.registry import WEIGHTERS
from mtlw.weighting import AlignedMTL
from mtlw.weighting.aligned_mtl import aligned_coefficients
from tests._fixtures.gradient_rules import GRADIENT_CASES, prescribed_step
from tests._fixtures.gradient_sequences import assert_resume_continues

CASES = dict(GRADIENT_CASES, rank_deficient=[[1., 0.], [0., 1.], [1., 1.]])


def reference_coefficients(gradients):
    """The authors' alignment: eigenvalues above max * K * eps(float32)
    kept, in decreasing order; B = sqrt(smallest) V diag(1/sqrt) V^T;
    the coefficients are the row sums of B."""
    grads = np.asarray(gradients, dtype=np.float64)
    gram = grads @ grads.T
    values, vectors = np.linalg.eigh(gram)
    tol = values.max() * len(gram) * np.finfo(np.float32).eps
    order = np.argsort(values)[::-1]
    rank = int((values > tol).sum())
    values, vectors = values[order][:rank], vectors[:, order][:, :rank]
    basis = np.sqrt(values[-1]) * (vectors / np.sqrt(values)) @ vectors.T
    return basis.sum(0)


@pytest.mark.parametrize('mode', ['params', 'representation'])
@pytest.mark.parametrize('case', sorted(CASES))
def test_shared_gradient_heads_and_reported(case, mode):
    gradients = torch.tensor(CASES[case])
    out = prescribed_step(AlignedMTL(mode=mode), gradients)
    alpha = torch.tensor(reference_coefficients(CASES[case]),
                         dtype=torch.float32)
    torch.testing.assert_close(out['weights'], alpha, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(out['shared'], alpha @ gradients,
                               atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(out['heads'], gradients @ out['theta'])


def test_orthogonal_gradients_by_hand():
    """g = (1, 0), (0, 2): G = diag(1, 4), B = 1 * diag(1, 1/2), so
    alpha = (1, 1/2) and both aligned gradients have norm 1."""
    out = prescribed_step(AlignedMTL(), torch.tensor([[1., 0.], [0., 2.]]))
    torch.testing.assert_close(out['weights'], torch.tensor([1., .5]))
    torch.testing.assert_close(out['shared'], torch.tensor([1., 1.]))


def test_full_rank_is_the_inverse_square_root():
    """Full rank: alpha = sqrt(lambda_min) G^{-1/2} 1, with scipy's matrix
    square root, and the aligned gradients J^T B are orthonormal up to
    sqrt(lambda_min)."""
    gradients = np.array(CASES['three_conflicting'], dtype=np.float64)
    gram = gradients @ gradients.T
    smallest = np.linalg.eigvalsh(gram)[0]
    basis = np.sqrt(smallest) * np.linalg.inv(sqrtm(gram).real)
    np.testing.assert_allclose(basis @ gram @ basis, smallest * np.eye(3),
                               atol=1e-10)
    np.testing.assert_allclose(aligned_coefficients(torch.tensor(gram)),
                               basis.sum(1), atol=1e-10)


def test_a_negative_coefficient_leaves_the_head_weight_one():
    """g = (1, 0), (10, 1): the second aligned direction needs a negative
    coefficient; the head still gets its own gradient with weight 1."""
    gradients = torch.tensor([[1., 0.], [10., 1.]])
    out = prescribed_step(AlignedMTL(), gradients)
    assert out['weights'][1] < 0
    torch.testing.assert_close(out['heads'], gradients @ out['theta'])


def test_all_zero_gradients_give_zero_coefficients():
    torch.testing.assert_close(aligned_coefficients(torch.zeros(2, 2)),
                               torch.zeros(2, dtype=torch.float64))


def test_stateless_resume_and_eval_weights():
    assert_resume_continues(lambda: AlignedMTL(mode='representation'))
    weighter = WEIGHTERS.build(dict(type='AlignedMTL'))
    prescribed_step(weighter, torch.tensor(CASES['two_conflicting']))
    weighter.eval()
    out = prescribed_step(weighter, torch.tensor(CASES['two_conflicting']))
    torch.testing.assert_close(out['weights'], torch.ones(2))


def test_argument_errors():
    with pytest.raises(ValueError, match="AlignedMTL mode must be one of"):
        AlignedMTL(mode='grad')
