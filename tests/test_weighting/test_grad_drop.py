"""GradDrop against hand values and a plainly written reference."""
import numpy as np
import pytest
import torch
from torch import nn

from mtlw.registry import WEIGHTERS
from mtlw.weighting import GradDrop
from tests._fixtures.direction_rules import (ranks_and_single,
                                             reference_gradients,
                                             scales_reference, step_gradients)
from tests._fixtures.gradient_rules import prescribed_step, trunk_and_heads


def graddrop_reference(per_grads, inputs, uniform, leak):
    """LibMTL's GradDrop: ``per_grads`` (K, B, F), ``inputs`` (B, F) or
    None (no input sign); returns the (B, F) combined gradient."""
    per_grads = np.asarray(per_grads, dtype=np.float64)
    signs = 1.0 if inputs is None else np.sign(inputs)[None]
    grads = (per_grads * signs).sum(1)
    purity = 0.5 * (1 + grads.sum(0) / (np.abs(grads).sum(0) + 1e-7))
    kept = ((purity > uniform) & (grads > 0)) | ((purity < uniform)
                                                 & (grads < 0))
    return (per_grads * (leak + (1 - leak) * kept)[:, None]).sum(0)


def uniform_draws(seed, size, steps):
    generator = torch.Generator().manual_seed(seed)
    return [torch.rand(size, generator=generator).double().numpy()
            for _ in range(steps)]


CASES = {
    'two-conflicting': [[1., 0., 2.], [-1., 1., -0.5]],
    'two-aligned': [[1., 0., 2.], [0.5, 0., 0.5]],
    'three-conflicting': [[1., 0.2, -0.3, 0.], [-0.8, 1., 0.1, 0.4],
                          [-0.2, -0.9, 0.7, -1.]],
    'three-aligned': [[1., -0.5, 0., 2.], [0.5, -1., 0.2, 0.],
                      [0.1, -0.3, 1., 0.2]],
    'one-zero': [[1., -1., 0.], [0., 0., 0.], [-1., 0.5, 1.]],
}


@pytest.mark.parametrize('leak', [0.0, 0.3])
@pytest.mark.parametrize('mode, batch', [('params', 1),
                                         ('representation', 1),
                                         ('representation', 3)])
@pytest.mark.parametrize('case', list(CASES))
def test_against_the_reference(case, mode, batch, leak):
    grads = torch.tensor(CASES[case])
    weighter = GradDrop(leak=leak, seed=7, mode=mode)
    draws = uniform_draws(7, grads.shape[1], steps=3)
    for uniform in draws:
        out = prescribed_step(weighter, grads, mode_batch=batch)
        theta = out['theta'].double().numpy()
        if mode == 'params':
            per_grads, inputs = grads[:, None].numpy(), None
        else:  # Z[b] = theta, d L_i / d Z[b] = a_i / B
            per_grads = np.repeat(grads[:, None].numpy() / batch, batch, 1)
            inputs = np.repeat(theta[None], batch, 0)
        combined = graddrop_reference(per_grads, inputs, uniform, leak)
        np.testing.assert_allclose(out['shared'], combined.sum(0),
                                   rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(out['heads'], grads @ out['theta'])
        np.testing.assert_allclose(
            out['weights'],
            scales_reference(per_grads.reshape(len(grads), -1),
                             combined.reshape(-1)), rtol=1e-5, atol=1e-6)


def test_two_losses_by_hand():
    """g1 = (3, 1), g2 = (-1, 1): P = (0.75, 1); the positive gradient of
    the first value survives where U < 0.75, both second values always."""
    grads = torch.tensor([[3., 1.], [-1., 1.]])
    (uniform, ) = uniform_draws(0, 2, steps=1)
    out = prescribed_step(GradDrop(mode='params'), grads)
    first = 3.0 if uniform[0] < 0.75 else -1.0
    torch.testing.assert_close(out['shared'], torch.tensor([first, 2.0]))


@pytest.mark.parametrize('mode', ['params', 'representation'])
def test_full_leak_or_aligned_signs_give_the_plain_sum(mode):
    grads = torch.tensor(CASES['three-conflicting'])
    out = prescribed_step(GradDrop(leak=1.0, mode=mode), grads)
    torch.testing.assert_close(out['shared'], grads.sum(0))
    aligned = torch.tensor(CASES['three-aligned'])
    out = prescribed_step(GradDrop(mode=mode), aligned)
    torch.testing.assert_close(out['shared'], aligned.sum(0))


def test_trunk_gradient_matches_the_reference():
    modules = trunk_and_heads()
    x = torch.randn(5, 4)
    got = step_gradients(GradDrop(seed=2), modules, x)
    (uniform, ) = uniform_draws(2, 3, steps=1)

    def reference(matrix, z):
        per_grads = matrix.reshape(3, *z.shape)
        return graddrop_reference(per_grads, z, uniform, 0.0).reshape(-1)

    expected = reference_gradients(modules, x, 'representation', reference)
    for grad, ref in zip(got[:-1], expected):
        torch.testing.assert_close(grad, ref, rtol=1e-4, atol=1e-6)


def test_state_continues_after_a_reload():
    modules = trunk_and_heads()
    xs = [torch.randn(5, 4) for _ in range(6)]
    straight = GradDrop(seed=1)
    expected = [step_gradients(straight, modules, x) for x in xs]
    first = GradDrop(seed=1)
    for x in xs[:3]:
        step_gradients(first, modules, x)
    resumed = GradDrop(seed=42)
    resumed.load_state_dict(first.state_dict())
    for x, values in zip(xs[3:], expected[3:]):
        for got, value in zip(step_gradients(resumed, modules, x), values):
            torch.testing.assert_close(got, value)


@pytest.mark.parametrize('mode', ['params', 'representation'])
def test_ranks_agree_with_one_process(mode, monkeypatch):
    averaged, (rank0, rank1), single = ranks_and_single(
        lambda: GradDrop(mode=mode), steps=3, monkeypatch=monkeypatch)
    for step, grads in enumerate(averaged):
        assert torch.equal(rank0[step][-1], rank1[step][-1])
        torch.testing.assert_close(rank0[step][-1], single[step][-1])
        for grad, ref in zip(grads, single[step][:-1]):
            torch.testing.assert_close(grad, ref)


class ScalarTrunk(nn.Module):

    def __init__(self) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.ones(3))

    def forward(self, x):
        return (x * self.w).sum()


def test_an_output_without_batch_dimension_is_refused():
    trunk = ScalarTrunk()
    weighter = GradDrop()
    weighter.attach(trunk)
    z = trunk(torch.ones(2, 3))
    with pytest.raises(ValueError, match='GradDrop .* needs outputs of the '
                       'shared module with a batch dimension'):
        weighter({'a': z, 'b': 2 * z})


@pytest.mark.parametrize('kwargs, message', [
    (dict(leak=-0.1), r'GradDrop leak must be a finite number in '
                      r'\[0.0, 1.0\], got -0.1'),
    (dict(leak='0'), 'GradDrop leak must be a finite number'),
    (dict(seed=None), 'GradDrop seed must be an int, got None'),
    (dict(mode='heads'), "GradDrop mode must be one of .*got 'heads'"),
])
def test_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        GradDrop(**kwargs)


def test_registered_with_its_defaults():
    weighter = WEIGHTERS.build(dict(type='GradDrop'))
    assert isinstance(weighter, GradDrop)
    assert (weighter.leak, weighter.seed, weighter.mode) == (
        0.0, 0, 'representation')
