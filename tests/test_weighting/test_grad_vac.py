"""GradVac against hand values and a plainly written reference."""
import numpy as np
import pytest
import torch
from torch import nn

from mtlw.registry import WEIGHTERS
from mtlw.weighting import GradVac
from mtlw.weighting.grad_vac import parameter_groups
from tests._fixtures.direction_rules import (drawn_orders, ranks_and_single,
                                             reference_gradients,
                                             scales_reference, step_gradients)
from tests._fixtures.gradient_rules import (GRADIENT_CASES, prescribed_step,
                                            trunk_and_heads)


def gradvac_reference(grads, orders, targets, sizes, beta):
    """The loop of LibMTL's GradVac with the paper's target update (at
    every visit), given orders; updates ``targets`` (N, K, K) in place."""
    grads = np.asarray(grads, dtype=np.float64)
    vaccinated = grads.copy()
    bounds = np.cumsum([0] + list(sizes))
    for i in range(len(grads)):
        for j in orders[i]:
            for k in range(len(sizes)):
                a = vaccinated[i, bounds[k]:bounds[k + 1]]
                b = grads[j, bounds[k]:bounds[k + 1]]
                norm_a, norm_b = np.linalg.norm(a), np.linalg.norm(b)
                phi = a @ b / (norm_a * norm_b + 1e-8)
                target = targets[k, i, j]
                if phi < target:
                    w = norm_a * (target * np.sqrt(1 - phi**2)
                                  - phi * np.sqrt(1 - target**2)) / (
                        norm_b * np.sqrt(1 - target**2) + 1e-8)
                    vaccinated[i, bounds[k]:bounds[k + 1]] += w * b
                targets[k, i, j] = (1 - beta) * target + beta * phi
    return vaccinated.sum(0)


CASES = GRADIENT_CASES


def check_steps(weighter, grads, sizes, seed, beta, steps=4, batch=1):
    """Run ``steps`` steps on fixed losses (the targets move) against the
    reference."""
    grads = torch.as_tensor(grads)
    num = len(grads)
    orders = drawn_orders(seed, num, steps, skip_self=True)
    targets = np.zeros((len(sizes), num, num))
    for step in range(steps):
        out = prescribed_step(weighter, grads, mode_batch=batch)
        expected = gradvac_reference(grads, orders[step], targets, sizes,
                                     beta)
        np.testing.assert_allclose(out['shared'], expected, rtol=1e-5,
                                   atol=1e-6)
        torch.testing.assert_close(out['heads'], grads @ out['theta'])
        np.testing.assert_allclose(out['weights'],
                                   scales_reference(grads, expected),
                                   rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(weighter.targets, targets, rtol=1e-5,
                                   atol=1e-6)


@pytest.mark.parametrize('mode', ['params', 'representation'])
@pytest.mark.parametrize('case', list(CASES))
def test_whole_against_the_reference(case, mode):
    grads = CASES[case]
    check_steps(GradVac(seed=3, mode=mode), grads, [len(grads[0])], 3, 0.5)


@pytest.mark.parametrize('case', ['three_conflicting', 'one_zero'])
@pytest.mark.parametrize('group', ['layer', 'matrix'])
def test_groups_of_a_single_tensor_are_the_whole(group, case):
    """The fixture's shared module has one parameter: one group."""
    grads = CASES[case]
    check_steps(GradVac(beta=0.2, group=group, seed=1), grads,
                [len(grads[0])], 1, 0.2)


def test_first_step_by_hand():
    """Targets start at 0: the first step projects like PCGrad (up to the
    eps), and each target moves to beta * phi."""
    weighter = GradVac(beta=0.5)
    out = prescribed_step(weighter, torch.tensor([[1., 0.], [-1., 1.]]))
    torch.testing.assert_close(out['shared'], torch.tensor([0.5, 1.5]),
                               rtol=1e-6, atol=1e-6)
    phi = -1 / np.sqrt(2)
    np.testing.assert_allclose(weighter.targets[0],
                               [[0, 0.5 * phi], [0.5 * phi, 0]], rtol=1e-6)


def test_targets_rise_with_aligned_gradients():
    """The paper's update: the target follows the similarity upwards too
    (so a later, less similar pair is pulled towards it)."""
    weighter = GradVac(beta=0.5)
    prescribed_step(weighter, torch.tensor([[1., 0.], [1., 1.]]))
    assert float(weighter.targets[0, 0, 1]) == pytest.approx(
        0.5 / np.sqrt(2), rel=1e-6)
    out = prescribed_step(weighter, torch.tensor([[1., 0.], [0., 1.]]))
    # phi = 0 < target: each gradient gets a positive share of the other
    assert bool((out['shared'] > 1.0).all())


class TwoLayers(nn.Module):
    """Two linear layers (weight, bias), a frozen parameter and one owned
    by the module itself."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.ones(3))
        self.first = nn.Linear(4, 3)
        self.frozen = nn.Linear(3, 3)
        self.frozen.requires_grad_(False)
        self.second = nn.Linear(3, 3)

    def forward(self, x):
        return self.second(self.frozen(self.first(x)) * self.scale)


def test_parameter_groups():
    module = TwoLayers()
    assert parameter_groups(module, 'layer') == [3, 12 + 3, 9 + 3]
    assert parameter_groups(module, 'matrix') == [3, 12, 3, 9, 3]


@pytest.mark.parametrize('mode, group', [
    ('params', 'layer'), ('params', 'matrix'), ('params', 'whole'),
    ('representation', 'layer')])
def test_trunk_gradient_matches_the_reference(mode, group):
    torch.manual_seed(0)
    modules = [TwoLayers()] + [nn.Linear(3, 1) for _ in range(3)]
    x = torch.randn(5, 4)
    sizes = {'layer': [3, 15, 12], 'matrix': [3, 12, 3, 9, 3],
             'whole': [42]}[group] if mode == 'params' else [15]
    weighter = GradVac(group=group, seed=2, mode=mode)
    orders = drawn_orders(2, 3, steps=2, skip_self=True)
    targets = np.zeros((len(sizes), 3, 3))
    for step in range(2):
        got = step_gradients(weighter, modules, x + step)
        expected = reference_gradients(
            modules, x + step, mode, lambda matrix, z: gradvac_reference(
                matrix, orders[step], targets, sizes, 0.5))
        for grad, ref in zip(got[:-1], expected):
            torch.testing.assert_close(grad, ref, rtol=1e-4, atol=1e-6)


class TwoOutputs(nn.Module):

    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Linear(4, 2)
        self.b = nn.Linear(4, 3)

    def forward(self, x):
        return self.a(x), self.b(x)


def test_representation_groups_are_the_outputs():
    torch.manual_seed(0)
    trunk = TwoOutputs()
    heads = [nn.Linear(5, 1) for _ in range(3)]
    x = torch.randn(4, 4)

    def losses(outputs):
        z = torch.cat(outputs, 1)
        return [(head(z) - i).pow(2).mean() for i, head in enumerate(heads)]

    weighter = GradVac(group='matrix', mode='representation', seed=6)
    weighter.attach(trunk)
    total, _ = weighter({f'l{i}': loss
                         for i, loss in enumerate(losses(trunk(x)))})
    total.backward()
    got = [p.grad.clone() for p in trunk.parameters()]
    outputs = trunk(x)
    matrix = torch.stack([torch.cat([g.reshape(-1) for g in
                                     torch.autograd.grad(loss, outputs,
                                                         retain_graph=True)])
                          for loss in losses(outputs)]).double().numpy()
    (orders, ) = drawn_orders(6, 3, steps=1, skip_self=True)
    direction = torch.from_numpy(gradvac_reference(
        matrix, orders, np.zeros((2, 3, 3)), [8, 12], 0.5)).float()
    expected = torch.autograd.grad(
        outputs, list(trunk.parameters()),
        [direction[:8].view(4, 2), direction[8:].view(4, 3)])
    for grad, ref in zip(got, expected):
        torch.testing.assert_close(grad, ref, rtol=1e-4, atol=1e-6)
    assert weighter.targets.shape == (2, 3, 3)


@pytest.mark.parametrize('group', ['whole', 'layer'])
def test_state_continues_after_a_reload(group):
    modules = trunk_and_heads()
    xs = [torch.randn(5, 4) for _ in range(6)]
    straight = GradVac(group=group, seed=1)
    expected = [step_gradients(straight, modules, x) for x in xs]
    first = GradVac(group=group, seed=1)
    for x in xs[:3]:
        step_gradients(first, modules, x)
    resumed = GradVac(group=group, seed=42)
    resumed.load_state_dict(first.state_dict())
    for x, values in zip(xs[3:], expected[3:]):
        for got, value in zip(step_gradients(resumed, modules, x), values):
            torch.testing.assert_close(got, value)
    torch.testing.assert_close(resumed.targets, straight.targets)


def test_a_state_for_other_groups_is_refused():
    modules = trunk_and_heads()
    saved = GradVac(group='matrix')
    step_gradients(saved, modules, torch.randn(5, 4))
    other = GradVac(group='layer')
    other.load_state_dict(saved.state_dict())
    with pytest.raises(ValueError, match=r"GradVac \(group='layer'\) holds "
                       'targets for 2 groups but the shared module now has '
                       '1'):
        step_gradients(other, modules, torch.randn(5, 4))


def test_a_fresh_state_loads_before_the_first_step():
    modules = trunk_and_heads()
    fresh = GradVac()
    fresh.eval()({f'l{i}': torch.ones(()) for i in range(3)})  # no step
    loaded = GradVac()
    loaded.load_state_dict(fresh.state_dict())
    step_gradients(loaded, modules, torch.randn(5, 4))
    assert loaded.targets.shape == (1, 3, 3)


@pytest.mark.parametrize('mode, group', [('params', 'layer'),
                                         ('representation', 'matrix'),
                                         ('representation', 'whole')])
def test_ranks_agree_with_one_process(mode, group, monkeypatch):
    averaged, (rank0, rank1), single = ranks_and_single(
        lambda: GradVac(mode=mode, group=group), steps=3,
        monkeypatch=monkeypatch)
    for step, grads in enumerate(averaged):
        assert torch.equal(rank0[step][-1], rank1[step][-1])
        torch.testing.assert_close(rank0[step][-1], single[step][-1])
        for grad, ref in zip(grads, single[step][:-1]):
            torch.testing.assert_close(grad, ref)


@pytest.mark.parametrize('kwargs, message', [
    (dict(beta=1.5), r'GradVac beta must be a finite number in \[0.0, 1.0\]'
                     ', got 1.5'),
    (dict(beta=float('nan')), 'GradVac beta must be a finite number'),
    (dict(group='block'), "GradVac group must be one of .*got 'block'"),
    (dict(seed='1'), "GradVac seed must be an int, got '1'"),
    (dict(mode='heads'), "GradVac mode must be one of .*got 'heads'"),
])
def test_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        GradVac(**kwargs)


def test_registered_with_its_defaults():
    weighter = WEIGHTERS.build(dict(type='GradVac'))
    assert isinstance(weighter, GradVac)
    assert (weighter.beta, weighter.group, weighter.seed, weighter.mode) == (
        0.5, 'whole', 0, 'params')
    assert weighter.gradient_input == 'gram'
    assert GradVac(group='layer').gradient_input == 'vectors'
