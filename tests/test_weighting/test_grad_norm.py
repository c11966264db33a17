"""GradNorm against hand computations."""
import math

import pytest
import torch
from torch import nn

from mtlw.registry import WEIGHTERS
from mtlw.weighting import GradNorm
from mtlw.weighting.utils.adam import adam_step
from mtlw.weighting.grad_norm import (grad_norm_targets,
                                      grad_norm_weight_gradient,
                                      relative_inverse_rates, renormalize)


def test_relative_inverse_rates():
    rates = relative_inverse_rates(torch.tensor([2., 1., 3.]),
                                   torch.tensor([4., 1., 3.]))
    # ratios 0.5, 1, 1 with mean 2.5 / 3
    torch.testing.assert_close(rates, torch.tensor([0.6, 1.2, 1.2]))
    rates = relative_inverse_rates(torch.tensor([2., 1.]),
                                   torch.tensor([0., 2.]))
    torch.testing.assert_close(rates, torch.tensor([1 / 0.75, 0.5 / 0.75]))


def test_targets_and_weight_gradient():
    norms = torch.tensor([1., 2., 3.])
    weights = torch.tensor([1., 1., 2.])
    rates = torch.tensor([0.6, 1.2, 1.2])
    # G = (1, 2, 6), G_avg = 3, T_i = 3 r_i^1.5
    targets = grad_norm_targets(norms, weights, rates, 1.5)
    expected = [3 * 0.6**1.5, 3 * 1.2**1.5, 3 * 1.2**1.5]
    assert targets.tolist() == pytest.approx(expected)
    # G - T = (1 - 1.39, 2 - 3.94, 6 - 3.94): signs (-, -, +)
    grad = grad_norm_weight_gradient(norms, weights, rates, 1.5)
    assert grad.tolist() == pytest.approx([-1., -2., 3.])
    # the same from autograd on L_grad = sum_i |w_i n_i - T_i|
    w = weights.clone().requires_grad_()
    loss_grad = (w * norms - targets).abs().sum()
    torch.testing.assert_close(torch.autograd.grad(loss_grad, w)[0], grad)


def test_adam_step_matches_torch_adam():
    param = torch.tensor([1., 2., 3.])
    reference = param.clone().requires_grad_()
    optimizer = torch.optim.Adam([reference], lr=0.025)
    exp_avg, exp_avg_sq = torch.zeros(3), torch.zeros(3)
    for step, grad in enumerate([[1., -2., 0.5], [-3., 1., 0.], [2., 2., 1.]],
                                start=1):
        grad = torch.tensor(grad)
        param, exp_avg, exp_avg_sq = adam_step(
            param, grad, exp_avg, exp_avg_sq, torch.tensor(step), 0.025)
        reference.grad = grad
        optimizer.step()
        torch.testing.assert_close(param, reference.detach())
    # the first step moves each value by lr against the sign of its gradient
    first, _, _ = adam_step(torch.zeros(2), torch.tensor([4., -0.1]),
                            torch.zeros(2), torch.zeros(2), torch.tensor(1),
                            0.5)
    assert first.tolist() == pytest.approx([-0.5, 0.5], rel=1e-5)


def test_renormalize_clips_and_rescales():
    weights = torch.tensor([2., -1., 2.])
    assert renormalize(weights, 3.).tolist() == pytest.approx([1.5, 0., 1.5])
    assert renormalize(weights, 1.).tolist() == pytest.approx([0.5, 0., 0.5])
    assert renormalize(torch.tensor([-1., 0.]), 2.).tolist() == [1., 1.]


def hand_step(weighter, x, mode):
    """trunk z = I x; L_a = 2 z_0, L_b = z_1: d L / d z = (2, 0), (0, 1),
    d L / d W = (2, 0) x^T, (0, 1) x^T."""
    trunk = nn.Linear(2, 2, bias=False)
    with torch.no_grad():
        trunk.weight.copy_(torch.eye(2))
    weighter.attach(trunk)
    z = trunk(torch.tensor([x]))
    losses = {'a': 2 * z[0, 0], 'b': z[0, 1]}
    total, weights = weighter(losses)
    norm_scale = 1.0 if mode == 'representation' else math.hypot(*x)
    return total.detach(), [float(w) for w in weights.values()], norm_scale


@pytest.mark.parametrize('mode', ['representation', 'params'])
def test_two_sgd_steps_by_hand(mode):
    weighter = GradNorm(optimizer='sgd', weight_lr=0.1, mode=mode)
    total, used, s = hand_step(weighter, (1., 3.), mode)
    # step 1: L = (2, 3) = L(0), r = (1, 1); n = (2, 1) s, w = (1, 1);
    # G = (2, 1) s, T = 1.5 s: signs (+, -), grad = (2 s, -s)
    assert used == [1., 1.]
    assert float(total) == pytest.approx(2. + 3.)
    w = [1 - 0.1 * 2 * s, 1 + 0.1 * s]
    w = [2 * v / sum(w) for v in w]
    assert weighter.loss_weights.tolist() == pytest.approx(w)
    assert weighter.initial_losses.tolist() == [2., 3.]

    total, used, s = hand_step(weighter, (1., 1.5), mode)
    # step 2: L = (2, 1.5), ratios (1, 0.5), r = (4/3, 2/3)
    assert used == pytest.approx(w)
    assert float(total) == pytest.approx(w[0] * 2. + w[1] * 1.5)
    norms = [2 * s, s]
    grads_w = [w[0] * norms[0], w[1] * norms[1]]
    avg = sum(grads_w) / 2
    targets = [avg * (4 / 3)**1.5, avg * (2 / 3)**1.5]
    signs = [math.copysign(1, g - t) for g, t in zip(grads_w, targets)]
    assert signs == [-1, 1]
    w = [v - 0.1 * n * sign for v, n, sign in zip(w, norms, signs)]
    w = [2 * v / sum(w) for v in w]
    assert weighter.loss_weights.tolist() == pytest.approx(w)
    assert weighter.initial_losses.tolist() == [2., 3.]


def test_adam_steps_by_hand():
    weighter = WEIGHTERS.build(dict(type='GradNorm', mode='representation'))
    hand_step(weighter, (1., 3.), 'representation')
    # grad (2, -1): Adam's first step is lr * sign; the sum stays 2
    assert weighter.loss_weights.tolist() == pytest.approx([0.975, 1.025])
    hand_step(weighter, (1., 1.5), 'representation')
    # grad (-2, 1): m = 0.9 * 0.1 (2, -1) + 0.1 (-2, 1) = (-0.02, 0.01),
    # v = 0.001999 (4, 1); bias corrections 0.19 and 0.001999, so
    # v / 0.001999 = (4, 1)
    step = [0.025 * (m / 0.19) / math.sqrt(v_hat)
            for m, v_hat in ((-0.02, 4.), (0.01, 1.))]
    expected = [0.975 - step[0], 1.025 - step[1]]
    assert weighter.loss_weights.tolist() == pytest.approx(
        [2 * v / sum(expected) for v in expected])
    assert int(weighter.num_updates) == 2


def test_normalize_to_one_starts_at_one_over_k():
    weighter = GradNorm(optimizer='sgd', weight_lr=0.1, normalize_to='one',
                        mode='representation')
    _, used, _ = hand_step(weighter, (1., 3.), 'representation')
    # w = (0.5, 0.5): G = (1, 0.5), T = 0.75, grad (2, -1)
    # -> (0.3, 0.6) -> (1/3, 2/3)
    assert used == [0.5, 0.5]
    assert weighter.loss_weights.tolist() == pytest.approx([1 / 3, 2 / 3])


def random_steps(weighter, trunk, heads, seeds):
    weighter.attach(trunk)
    out = []
    for seed in seeds:
        x = torch.randn(3, 4, generator=torch.Generator().manual_seed(seed))
        z = trunk(x)
        losses = {f'l{i}': (head(z) - i).pow(2).mean()
                  for i, head in enumerate(heads)}
        out.append(torch.stack(list(weighter(losses)[1].values())))
    return out


def test_state_dict_round_trip_continues_identically():
    torch.manual_seed(0)
    trunk = nn.Linear(4, 3)
    heads = [nn.Linear(3, 1) for _ in range(3)]
    cfg = dict(type='GradNorm', weight_lr=0.1)
    first = WEIGHTERS.build(cfg)
    random_steps(first, trunk, heads, [0, 1])
    fresh = WEIGHTERS.build(cfg)
    fresh.load_state_dict(first.state_dict())
    expected = random_steps(first, trunk, heads, [2, 3])
    got = random_steps(fresh, trunk, heads, [2, 3])
    torch.testing.assert_close(got, expected)
    for key, value in first.state_dict().items():
        if isinstance(value, torch.Tensor):
            torch.testing.assert_close(fresh.state_dict()[key], value, msg=key)
    assert int(fresh.num_updates) == 4


def test_eval_mode_changes_nothing():
    weighter = GradNorm(mode='representation')
    hand_step(weighter, (1., 3.), 'representation')
    before = {k: v.clone() for k, v in weighter.state_dict().items()
              if isinstance(v, torch.Tensor)}
    weighter.eval()
    total, used, _ = hand_step(weighter, (5., 1.), 'representation')
    assert used == pytest.approx(before['loss_weights'].tolist())
    assert float(total) == pytest.approx(used[0] * 10. + used[1] * 1.)
    for key, value in weighter.state_dict().items():
        if isinstance(value, torch.Tensor):
            torch.testing.assert_close(value, before[key], msg=key)


@pytest.mark.parametrize('kwargs, message', [
    (dict(optimizer='rmsprop'), "optimizer.*'rmsprop'"),
    (dict(normalize_to='two'), "normalize_to.*'two'"),
    (dict(weight_lr=0.),
     r'weight_lr must be a finite number in \(0.0, inf\), got 0.0'),
    (dict(mode='layer'), "mode.*'layer'"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        GradNorm(**kwargs)


def biased_step(weighter, x):
    """As :func:`hand_step` with a bias in the trunk (zero), whose
    gradients (2, 0) and (0, 1) enter the norms unless ``param_names``
    leaves it out."""
    trunk = nn.Sequential(nn.Linear(2, 2))
    with torch.no_grad():
        trunk[0].weight.copy_(torch.eye(2))
        trunk[0].bias.zero_()
    weighter.attach(trunk, 'trunk')
    z = trunk(torch.tensor([x]))
    losses = {'a': 2 * z[0, 0], 'b': z[0, 1]}
    squared = weighter.gradient_gram(torch.stack(list(losses.values())))
    weighter(losses)
    return squared


@pytest.mark.parametrize('names, extra', [(('0.weight', ), 0.), (None, 1.)])
def test_param_names_select_the_tensors_of_the_norms(names, extra):
    weighter = GradNorm(optimizer='sgd', weight_lr=0.1, param_names=names)
    squared = biased_step(weighter, (1., 3.))
    # d L / d W = (2, 0) x^T, (0, 1) x^T: ||.||^2 = (4, 1) |x|^2; the bias
    # adds (4, 1) when it is in
    torch.testing.assert_close(
        squared, torch.tensor([4 * (10. + extra), 10. + extra]))
    s = math.sqrt(10. + extra)
    w = [1 - 0.1 * 2 * s, 1 + 0.1 * s]  # signs (+, -) as in hand_step
    assert weighter.loss_weights.tolist() == pytest.approx(
        [2 * v / sum(w) for v in w])


def test_param_names_errors():
    with pytest.raises(ValueError, match=r"param_names \['conv.weight'\] are "
                       r"not parameters of the shared trunk; it has "
                       r"\['0.bias', '0.weight'\]"):
        biased_step(GradNorm(param_names=['conv.weight']), (1., 3.))
    with pytest.raises(ValueError,
                       match="param_names needs mode='params', got "
                       "mode='representation'"):
        GradNorm(mode='representation', param_names=('0.weight', ))
    with pytest.raises(ValueError, match='param_names must be a non-empty '
                       "sequence of parameter names, got '0.weight'"):
        GradNorm(param_names='0.weight')
