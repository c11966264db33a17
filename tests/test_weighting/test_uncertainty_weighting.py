import math

import pytest
import torch

from mtlw.weighting import UncertaintyWeighting

NAMES = ('a.loss_x', 'b.loss_z')
LOSSES = (0.8, 3.0)
S = (0.3, -1.2)


def call(weighter, make_losses):
    losses = make_losses(LOSSES, NAMES, requires_grad=True)
    total, weights = weighter(losses)
    total.backward()
    return total, weights, losses


def test_kendall_total_weights_and_gradients(make_losses):
    weighter = UncertaintyWeighting(num_losses=2)
    assert weighter.log_vars.tolist() == [-0.5, -0.5]
    weighter.log_vars.data = torch.tensor(S)
    total, weights, losses = call(weighter, make_losses)
    expected = sum(x / (2 * math.exp(s)) + s / 2 for x, s in zip(LOSSES, S))
    assert float(total.detach()) == pytest.approx(expected, rel=1e-6)
    for name, x, s, grad in zip(NAMES, LOSSES, S, weighter.log_vars.grad):
        assert float(weights[name]) == pytest.approx(1 / (2 * math.exp(s)))
        assert float(losses[name].grad) == pytest.approx(float(weights[name]))
        # d/ds [x / (2 e^s) + s / 2] = -x / (2 e^s) + 1/2
        assert float(grad) == pytest.approx(-x / (2 * math.exp(s)) + 0.5)


def test_cov_code_total_weights_and_gradients(make_losses):
    weighter = UncertaintyWeighting(num_losses=2, variant='cov_code')
    assert weighter.log_vars.tolist() == [0.0, 0.0]
    weighter.log_vars.data = torch.tensor(S)
    total, weights, _ = call(weighter, make_losses)
    expected = sum(math.exp(-s) * x + s for x, s in zip(LOSSES, S))
    assert float(total.detach()) == pytest.approx(expected, rel=1e-6)
    for name, x, s, grad in zip(NAMES, LOSSES, S, weighter.log_vars.grad):
        assert float(weights[name]) == pytest.approx(math.exp(-s))
        assert float(grad) == pytest.approx(-math.exp(-s) * x + 1)


def test_init_override_and_parameters():
    weighter = UncertaintyWeighting(num_losses=3, init=0.25)
    params = list(weighter.parameters())
    assert len(params) == 1 and params[0].tolist() == [0.25] * 3


def test_weights_are_not_normalised(feed_rows):
    weighter = UncertaintyWeighting(num_losses=3, variant='cov_code')
    _, weights = feed_rows(weighter, [[1.0, 2.0, 3.0]])
    assert weights.sum() == pytest.approx(3.0)


def test_wrong_number_of_losses(make_losses):
    weighter = UncertaintyWeighting(num_losses=3)
    with pytest.raises(ValueError, match=r'num_losses=3.*2 losses'):
        weighter(make_losses(LOSSES, NAMES))


@pytest.mark.parametrize('kwargs, match', [
    (dict(num_losses=2, variant='kendal'), 'variant'),
    (dict(num_losses=0), 'num_losses'),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        UncertaintyWeighting(**kwargs)
