import numpy as np
import pytest
import torch

from mtlw.weighting import SDMGrad
from tests._fixtures.sub_batches import (per_sample_cases, per_sample_step,
                                         sub_batch_vectors)

CASES = per_sample_cases()


def sort_projection(v):
    """LibMTL's euclidean_proj_simplex."""
    if v.sum() == 1 and np.all(v >= 0):
        return v
    u = np.sort(v)[::-1]
    cssv = np.cumsum(u)
    rho = np.nonzero(u * np.arange(1, len(v) + 1) > (cssv - 1))[0][-1]
    return (v - (cssv[rho] - 1) / (rho + 1)).clip(min=0)


def reference_w(sub, w, lamda, niter):
    """LibMTL's SDMGrad weights from the sub-batch gradients (3, K, P):
    SGD with lr 5 and momentum 0.5 (a fresh optimizer per call)."""
    sub = sub.double().numpy()
    gg = sub[1] @ sub[2].T
    scale = np.mean(np.sqrt(np.clip(np.diag(gg), 0, None)))
    gg = gg / (scale ** 2 + 1e-8)
    average = gg.mean(1)
    buffer = None
    for _ in range(niter):
        grad = gg @ w + lamda * average
        buffer = grad if buffer is None else 0.5 * buffer + grad
        w = sort_projection(w - 5 * buffer)
    return w


def combination(w, lamda):
    """The weights of d = (G w + lamda G 1/K) / (1 + lamda)."""
    return (w + lamda / len(w)) / (1 + lamda)


@pytest.mark.parametrize('mode', ['params', 'representation'])
@pytest.mark.parametrize('lamda, niter', [(0.3, 20), (0.0, 3), (2.0, 1)])
@pytest.mark.parametrize('case', sorted(CASES))
def test_step_matches_reference(case, lamda, niter, mode):
    gradients = CASES[case]
    num_losses = len(gradients)
    rule = SDMGrad(lamda=lamda, niter=niter, mode=mode)
    out = per_sample_step(rule, gradients)
    w = reference_w(sub_batch_vectors(gradients, 3, mode),
                    np.full(num_losses, 1.0 / num_losses), lamda, niter)
    torch.testing.assert_close(rule.w, torch.tensor(w, dtype=torch.float32),
                               rtol=1e-4, atol=1e-5)
    weights = torch.tensor(combination(w, lamda), dtype=torch.float32)
    whole = gradients.mean(1)
    torch.testing.assert_close(out['weights'], weights, rtol=1e-4,
                               atol=1e-5)
    torch.testing.assert_close(out['shared'], weights @ whole, rtol=1e-4,
                               atol=1e-5)
    torch.testing.assert_close(out['heads'], weights * (whole @ out['theta']),
                               rtol=1e-4, atol=1e-5)


def test_uses_sub_batches_one_and_two():
    """The products come from sub-batches 1 and 2; sub-batch 0 only enters
    the whole-batch direction."""
    gradients = torch.zeros(2, 3, 2)
    gradients[:, 0] = torch.tensor([[5.0, 0.0], [0.0, 5.0]])
    gradients[:, 1:] = torch.tensor([[1.0, 0.0], [0.0, 2.0]])[:, None]
    rule = SDMGrad(lamda=0.0, niter=1)
    per_sample_step(rule, gradients)
    # A = diag(1, 4) / 2.25; w - 5 A w = (0.5, 0.5) - (1.111, 4.444)
    # -> projected onto the simplex: (1, 0)
    torch.testing.assert_close(rule.w, torch.tensor([1.0, 0.0]))


def run(weighter, steps):
    return torch.stack([per_sample_step(weighter, g)['weights']
                        for g in steps])


@pytest.mark.parametrize('mode', ['params', 'representation'])
def test_several_steps_and_state_continuity(mode):
    steps = [torch.randn(3, 6, 4, generator=torch.Generator().manual_seed(i))
             for i in range(6)]
    straight = run(SDMGrad(mode=mode), steps)
    w = np.full(3, 1 / 3)
    for index, gradients in enumerate(steps):
        w = reference_w(sub_batch_vectors(gradients, 3, mode), w, 0.3, 20)
        np.testing.assert_allclose(straight[index].numpy(),
                                   combination(w, 0.3), rtol=1e-4,
                                   atol=1e-5)
    first = SDMGrad(mode=mode)
    head = run(first, steps[:3])
    resumed = SDMGrad(mode=mode)
    resumed.load_state_dict(first.state_dict())
    torch.testing.assert_close(torch.cat([head, run(resumed, steps[3:])]),
                               straight)


def test_batch_smaller_than_three_is_refused():
    with pytest.raises(ValueError, match=r'SDMGrad splits every batch into '
                       r'sub_batches=3 .* 1 sample'):
        per_sample_step(SDMGrad(mode='representation'), torch.randn(2, 1, 3))


@pytest.mark.parametrize('kwargs, match', [
    (dict(lamda=-1.0), 'SDMGrad lamda'), (dict(niter=0), 'SDMGrad niter'),
    (dict(niter=2.0), 'SDMGrad niter'), (dict(mode='rows'), 'SDMGrad mode')])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SDMGrad(**kwargs)
