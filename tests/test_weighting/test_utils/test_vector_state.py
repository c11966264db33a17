"""The (K, P) state of the gradient-vector rules (VectorStateMixin): created
at the first update, loaded into fresh weighters, the whole batch under
simulated ranks; and the simplex projection."""
import copy
import itertools

import numpy as np
import pytest
import torch
import torch.distributed as dist

from mtlw.weighting import DBMTL, ExcessMTL, MoCo, WeighterStateError
from mtlw.weighting.utils import project_to_simplex
from tests._fixtures.gradient_rules import (ThreadRanks, head_losses,
                                            prescribed_step, trunk_and_heads)

RULES = {DBMTL: 'grad_ema', MoCo: 'tracked', ExcessMTL: 'grad_sq_sum'}
VALUES = torch.tensor([0.5, 1.5])


def step(weighter, size=3, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return prescribed_step(weighter, torch.randn(2, size, generator=gen),
                           values=VALUES)


@pytest.mark.parametrize('rule', RULES)
def test_created_at_the_first_update(rule):
    weighter = rule()
    weighter({'loss_0': torch.tensor(1.), 'loss_1': torch.tensor(2.)})
    assert getattr(weighter, RULES[rule]).shape == (2, 0)
    step(weighter, size=5)
    state = getattr(weighter, RULES[rule])
    assert state.shape == (2, 5) and state.abs().sum() > 0


@pytest.mark.parametrize('rule', RULES)
def test_a_fresh_weighter_loads_and_continues(rule):
    straight = rule()
    for seed in range(3):
        want = step(straight, seed=seed)
    first = rule()
    step(first, seed=0)
    step(first, seed=1)
    resumed = rule()
    resumed.load_state_dict(first.state_dict())
    assert set(resumed.state_dict()) == set(first.state_dict())
    got = step(resumed, seed=2)
    for key in ('shared', 'heads', 'weights'):
        torch.testing.assert_close(got[key], want[key])


@pytest.mark.parametrize('rule', RULES)
def test_a_state_saved_before_the_first_update_resets(rule):
    name = RULES[rule]
    fresh = rule()
    fresh({'loss_0': torch.tensor(1.), 'loss_1': torch.tensor(2.)})
    running = rule()
    step(running)
    running.load_state_dict(fresh.state_dict())
    assert getattr(running, name).shape == (2, 0)
    # and it starts over as a fresh weighter does
    torch.testing.assert_close(step(running, seed=4)['shared'],
                               step(rule(), seed=4)['shared'])


@pytest.mark.parametrize('rule', RULES)
def test_another_size_is_refused(rule):
    name = RULES[rule]
    saved = rule()
    step(saved, size=3)
    other = rule()
    step(other, size=4)
    with pytest.raises(WeighterStateError,
                       match=f'holds {name} for 3 gradient values per loss, '
                       'this weighter for 4'):
        other.load_state_dict(saved.state_dict())
    with pytest.raises(ValueError, match=f'holds its {name} for 4 gradient '
                       'values per loss, but this step has 3'):
        step(other, size=3)


RANK_RULES = [DBMTL, MoCo, ExcessMTL]


@pytest.mark.parametrize('mode', ['params', 'representation'])
@pytest.mark.parametrize('rule', RANK_RULES)
def test_ranks_give_the_gradients_of_the_global_batch(rule, mode,
                                                      monkeypatch):
    """Two simulated ranks with three samples each: the trunk's and heads'
    gradients averaged over the ranks (DDP) and the weights are those of
    one process on all six samples, step after step."""
    modules = trunk_and_heads(num_losses=3)
    batches = [torch.randn(6, 4) for _ in range(3)]

    def train(weighter, model, parts):
        weighter.attach(model[0])
        results = []
        for part in parts:
            for module in model:
                module.zero_grad()
            total, weights = weighter(head_losses(model, part))
            total.backward()
            results.append(([p.grad.clone() for m in model
                             for p in m.parameters()],
                            torch.stack(list(weights.values()))))
        return results

    single = train(rule(mode=mode), modules, batches)
    per_rank = [(rule(mode=mode), copy.deepcopy(modules),
                 [b[rank * 3:(rank + 1) * 3] for b in batches])
                for rank in range(2)]
    ranks = ThreadRanks(2)
    ranks.patch(monkeypatch, dist)
    rank0, rank1 = ranks.run(train, per_rank)
    for (grads0, weights0), (grads1, weights1), (grads, weights) in zip(
            rank0, rank1, single):
        assert torch.equal(weights0, weights1)
        torch.testing.assert_close(weights0, weights)
        for got0, got1, want in zip(grads0, grads1, grads):
            torch.testing.assert_close((got0 + got1) / 2, want)


@pytest.mark.parametrize('values', [
    [0.2, 0.3, 0.5], [1., 0., 0.], [2., 0., -1.], [0.4, 0.4, -3.],
    [-1., -1., -1.], [0.1, 0.7, 0.6, -0.2]])
def test_simplex_projection_is_the_closest_point(values):
    values = torch.tensor(values, dtype=torch.float64)
    projected = project_to_simplex(values)
    assert projected.min() >= 0
    assert float(projected.sum()) == pytest.approx(1.0)
    # no point of a fine grid of the simplex is closer
    steps = 40
    grid = np.array([c + (steps - sum(c), ) for c in itertools.product(
        range(steps + 1), repeat=len(values) - 1) if sum(c) <= steps]) / steps
    best = ((grid - values.numpy())**2).sum(1).min()
    assert float(((projected - values)**2).sum()) <= best + 1e-12


def test_simplex_projection_by_hand():
    torch.testing.assert_close(project_to_simplex(torch.tensor([2., 0., -1.])),
                               torch.tensor([1., 0., 0.]))
    torch.testing.assert_close(project_to_simplex(torch.tensor([.5, .5, .5])),
                               torch.full((3, ), 1 / 3))
    torch.testing.assert_close(project_to_simplex(torch.tensor([1., .5, 0.])),
                               torch.tensor([.75, .25, 0.]))
