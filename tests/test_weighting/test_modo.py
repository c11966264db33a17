import numpy as np
import pytest
import torch

from mtlw.weighting import MoDo
from tests._fixtures.sub_batches import (per_sample_cases, per_sample_step,
                                         sub_batch_vectors)
from tests.test_weighting.test_utils.test_simplex import loop_projection

CASES = per_sample_cases()


def reference_lambda(sub, lambd, gamma, rho):
    """LibMTL's MoDo update from the sub-batch gradients (3, K, P)."""
    sub = sub.double().numpy()
    return loop_projection(
        lambd - gamma * (sub[0] @ (sub[1].T @ lambd) + rho * lambd))


@pytest.mark.parametrize('mode', ['params', 'representation'])
@pytest.mark.parametrize('gamma, rho', [(1e-3, 0.1), (0.5, 0.1), (2.0, 0.0)])
@pytest.mark.parametrize('case', sorted(CASES))
def test_step_matches_reference(case, gamma, rho, mode):
    gradients = CASES[case]
    num_losses = len(gradients)
    out = per_sample_step(MoDo(gamma=gamma, rho=rho, mode=mode), gradients)
    lambd = reference_lambda(sub_batch_vectors(gradients, 3, mode),
                             np.full(num_losses, 1.0 / num_losses),
                             gamma, rho)
    lambd = torch.tensor(lambd, dtype=torch.float32)
    whole = gradients.mean(1)
    torch.testing.assert_close(out['weights'], lambd)
    torch.testing.assert_close(out['shared'], lambd @ whole)
    torch.testing.assert_close(out['heads'], lambd * (whole @ out['theta']))


def test_hand_worked_two_losses():
    # identical samples: G_1^T G_2 = G G^T = [[1, 0], [0, 4]]
    gradients = torch.tensor([[1.0, 0.0], [0.0, 2.0]])[:, None].repeat(
        1, 3, 1)
    out = per_sample_step(MoDo(gamma=0.1, rho=0.0), gradients)
    # lambda - 0.1 * (0.5, 2) = (0.45, 0.3) -> + 0.125 each = (0.575, 0.425)
    torch.testing.assert_close(out['weights'], torch.tensor([0.575, 0.425]))


def run(weighter, steps):
    return torch.stack([per_sample_step(weighter, g)['weights']
                        for g in steps])


@pytest.mark.parametrize('mode', ['params', 'representation'])
def test_several_steps_and_state_continuity(mode):
    steps = [torch.randn(3, 6, 4, generator=torch.Generator().manual_seed(i))
             for i in range(6)]
    straight = run(MoDo(gamma=0.3, mode=mode), steps)
    lambd = np.full(3, 1 / 3)
    for index, gradients in enumerate(steps):
        lambd = reference_lambda(sub_batch_vectors(gradients, 3, mode),
                                 lambd, 0.3, 0.1)
        np.testing.assert_allclose(straight[index].numpy(), lambd,
                                   rtol=1e-4, atol=1e-6)
    first = MoDo(gamma=0.3, mode=mode)
    head = run(first, steps[:3])
    resumed = MoDo(gamma=0.3, mode=mode)
    resumed.load_state_dict(first.state_dict())
    torch.testing.assert_close(torch.cat([head, run(resumed, steps[3:])]),
                               straight)


def test_batch_smaller_than_three_is_refused():
    with pytest.raises(ValueError, match=r'MoDo splits every batch into '
                       r'sub_batches=3 .* 2 sample'):
        per_sample_step(MoDo(), torch.randn(2, 2, 3))


@pytest.mark.parametrize('kwargs, match', [
    (dict(gamma=0.0), 'MoDo gamma'), (dict(rho=-0.1), 'MoDo rho'),
    (dict(mode='rows'), 'MoDo mode')])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MoDo(**kwargs)
