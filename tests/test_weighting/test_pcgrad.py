"""PCGrad against hand values and a plainly written reference."""
import numpy as np
import pytest
import torch

from mtlw.registry import WEIGHTERS
from mtlw.weighting import PCGrad
from tests._fixtures.direction_rules import (drawn_orders, ranks_and_single,
                                             reference_gradients,
                                             scales_reference, step_gradients)
from tests._fixtures.gradient_rules import (GRADIENT_CASES, prescribed_step,
                                            trunk_and_heads)


def pcgrad_reference(grads, orders):
    """The loop of the authors' code and LibMTL, with given orders."""
    grads = np.asarray(grads, dtype=np.float64)
    projected = grads.copy()
    for i in range(len(grads)):
        for j in orders[i]:
            dot = projected[i] @ grads[j]
            if dot < 0:
                projected[i] -= dot * grads[j] / (grads[j] @ grads[j])
    return projected.sum(0)


CASES = GRADIENT_CASES


@pytest.mark.parametrize('mode', ['params', 'representation'])
@pytest.mark.parametrize('case', list(CASES))
def test_shared_gradient_heads_and_scales(case, mode):
    grads = torch.tensor(CASES[case])
    num = len(grads)
    weighter = PCGrad(seed=4, mode=mode)
    orders = drawn_orders(4, num, steps=3, skip_self=False)
    for step in range(3):  # the same losses, a new order every step
        out = prescribed_step(weighter, grads)
        expected = pcgrad_reference(grads, orders[step])
        np.testing.assert_allclose(out['shared'], expected, rtol=1e-5,
                                   atol=1e-6)
        # heads: their own loss's gradient, weight 1
        torch.testing.assert_close(out['heads'], grads @ out['theta'])
        np.testing.assert_allclose(out['weights'],
                                   scales_reference(grads, expected),
                                   rtol=1e-5, atol=1e-6)


def test_two_losses_by_hand():
    out = prescribed_step(PCGrad(), torch.tensor([[1., 0.], [-1., 1.]]))
    # g1' = g1 + g2 / 2 = (0.5, 0.5); g2' = g2 + g1 = (0, 1)
    torch.testing.assert_close(out['shared'], torch.tensor([0.5, 1.5]))
    # <g1, d> / |g1|^2 = 0.5 / 1; <g2, d> / |g2|^2 = 1 / 2
    torch.testing.assert_close(out['weights'], torch.tensor([0.5, 0.5]))


def test_aligned_losses_give_the_plain_sum():
    grads = torch.tensor(CASES['three_aligned'])
    out = prescribed_step(PCGrad(), grads)
    torch.testing.assert_close(out['shared'], grads.sum(0))


def test_the_order_matters_and_follows_the_seed():
    # g2' depends on whether g1 or g3 is projected out first
    grads = torch.tensor(CASES['three_conflicting'])
    results = {seed: prescribed_step(PCGrad(seed=seed), grads)['shared']
               for seed in range(8)}
    distinct = {tuple(np.round(v.numpy(), 5)) for v in results.values()}
    assert len(distinct) > 1
    torch.testing.assert_close(
        prescribed_step(PCGrad(seed=3), grads)['shared'], results[3])


@pytest.mark.parametrize('mode', ['params', 'representation'])
def test_trunk_gradient_matches_the_reference(mode):
    modules = trunk_and_heads()
    x = torch.randn(5, 4)
    got = step_gradients(PCGrad(seed=2, mode=mode), modules, x)
    (orders, ) = drawn_orders(2, 3, steps=1, skip_self=False)
    expected = reference_gradients(
        modules, x, mode, lambda matrix, z: pcgrad_reference(matrix, orders))
    for grad, ref in zip(got[:-1], expected):
        torch.testing.assert_close(grad, ref, rtol=1e-4, atol=1e-6)


def test_state_continues_after_a_reload():
    grads = torch.tensor(CASES['three_conflicting'])
    straight = PCGrad(seed=1)
    expected = [prescribed_step(straight, grads)['shared'] for _ in range(6)]
    first = PCGrad(seed=1)
    for _ in range(3):
        prescribed_step(first, grads)
    resumed = PCGrad(seed=99)
    resumed.load_state_dict(first.state_dict())
    for value in expected[3:]:
        torch.testing.assert_close(prescribed_step(resumed, grads)['shared'],
                                   value)


@pytest.mark.parametrize('mode', ['params', 'representation'])
def test_ranks_agree_with_one_process(mode, monkeypatch):
    averaged, (rank0, rank1), single = ranks_and_single(
        lambda: PCGrad(mode=mode), monkeypatch=monkeypatch)
    for step, grads in enumerate(averaged):
        assert torch.equal(rank0[step][-1], rank1[step][-1])
        torch.testing.assert_close(rank0[step][-1], single[step][-1])
        for grad, ref in zip(grads, single[step][:-1]):
            torch.testing.assert_close(grad, ref)


def test_eval_uses_weight_one_and_draws_nothing():
    weighter = PCGrad(seed=5)
    grads = torch.tensor(CASES['three_conflicting'])
    prescribed_step(weighter.eval(), grads)
    out = prescribed_step(weighter.train(), grads)
    (orders, ) = drawn_orders(5, 3, steps=1, skip_self=False)
    np.testing.assert_allclose(out['shared'], pcgrad_reference(grads, orders),
                               rtol=1e-5)
    eval_out = prescribed_step(weighter.eval(), grads)
    torch.testing.assert_close(eval_out['weights'], torch.ones(3))
    torch.testing.assert_close(eval_out['shared'], grads.sum(0))


@pytest.mark.parametrize('kwargs, message', [
    (dict(seed=0.5), 'PCGrad seed must be an int, got 0.5'),
    (dict(mode='heads'), "PCGrad mode must be one of .*got 'heads'"),
])
def test_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        PCGrad(**kwargs)


def test_registered_with_its_defaults():
    weighter = WEIGHTERS.build(dict(type='PCGrad'))
    assert isinstance(weighter, PCGrad)
    assert (weighter.seed, weighter.mode) == (0, 'params')
