import math

import numpy as np
import pytest
import torch

from mtlw.weighting import GLS

NAMES = ('a.loss_x', 'a.loss_y', 'b.loss_z')


def test_total_weights_and_gradient(make_losses):
    values = [0.5, 2.0, 4.0]
    losses = make_losses(values, NAMES, requires_grad=True)
    total, weights = GLS()(losses)
    expected = (0.5 * 2.0 * 4.0)**(1 / 3)
    assert float(total.detach()) == pytest.approx(expected, rel=1e-6)
    total.backward()
    for name, value in zip(NAMES, values):
        assert float(weights[name]) == pytest.approx(expected / (3 * value))
        assert float(losses[name].grad) == pytest.approx(
            float(weights[name]), rel=1e-6)


def test_many_small_losses_do_not_underflow(make_losses):
    names = [f't{i}.loss' for i in range(40)]
    total, weights = GLS()(make_losses([1e-3] * 40, names))
    # the product (1e-120) underflows float32; the geometric mean does not
    assert float(total) == pytest.approx(1e-3, rel=1e-5)
    assert float(weights['t0.loss']) == pytest.approx(1 / 40, rel=1e-5)


def test_zero_loss_is_floored(feed_rows):
    totals, weights = feed_rows(GLS(), [[0.0, 2.0, 4.0]], NAMES)
    assert totals[0] == pytest.approx((1e-8 * 8)**(1 / 3), rel=1e-5)
    assert weights[0, 0] == 0.0
    assert np.isfinite(weights).all()
    assert weights[0, 1] == pytest.approx(totals[0] / 6, rel=1e-5)


def test_no_state(feed_rows):
    weighter = GLS()
    _, weights = feed_rows(weighter, [[1.0, 2.0, 3.0]] * 3, NAMES)
    np.testing.assert_allclose(weights[0], weights[2])
    assert math.isclose(weights[0, 0], 6**(1 / 3) / 3, rel_tol=1e-6)
    assert torch.is_tensor(weighter.latest_weights)
