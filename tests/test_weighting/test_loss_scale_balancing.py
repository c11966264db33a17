import numpy as np
import pytest

from mtlw.weighting import LossScaleBalancing

NAMES = ('a.loss_x', 'a.loss_y', 'b.loss_z')
ROWS = [[1.0, 2.0, 0.5], [0.8, 2.2, 0.45],   # period 1
        [0.7, 1.5, 0.5], [0.9, 1.9, 0.3],    # period 2
        [0.5, 2.0, 0.35], [0.6, 1.2, 0.4],   # period 3
        [0.4, 1.0, 0.2]]                     # period 4
MEANS = [np.mean(ROWS[p:p + 2], axis=0) for p in (0, 2, 4)]


def test_first_period_uses_priorities(feed_rows):
    priorities = dict(zip(NAMES, (0.5, 0.3, 0.2)))
    _, weights = feed_rows(LossScaleBalancing(priorities, period=2), ROWS[:2])
    np.testing.assert_allclose(weights, [[0.5, 0.3, 0.2]] * 2, rtol=1e-6)
    _, weights = feed_rows(LossScaleBalancing(period=2), ROWS[:2])
    np.testing.assert_allclose(weights, 1 / 3, rtol=1e-6)


def test_balanced_scales_after_first_period(feed_rows):
    pi = np.array([0.5, 0.3, 0.2])
    weighter = LossScaleBalancing(dict(zip(NAMES, pi)), period=2)
    _, weights = feed_rows(weighter, ROWS[:4])
    overall = (pi * MEANS[0]).sum()  # Lbar(1) = sum_i w_i(1) Lbar_i(1)
    # Every weighted loss scale equals pi_i Lbar(1).
    np.testing.assert_allclose(weights[2] * MEANS[0], pi * overall, rtol=1e-5)
    np.testing.assert_allclose(weights[3], weights[2])


@pytest.mark.parametrize('beta_rate', [0.02, 0.5])
def test_difficulty_after_second_period(feed_rows, beta_rate):
    weighter = LossScaleBalancing(beta_rate=beta_rate, period=2)
    _, weights = feed_rows(weighter, ROWS)
    w1 = np.full(3, 1 / 3)
    scale1 = (w1 * MEANS[0]).sum()
    w2 = w1 * scale1 / MEANS[0]
    scale2 = (w2 * MEANS[1]).sum()
    # Period 2 ended: beta = beta_rate * (2 - 1).
    d = ((MEANS[1] / MEANS[0]) / (scale2 / scale1))**beta_rate
    w3 = (w1 * scale2 / MEANS[1]) * d / d.mean()
    np.testing.assert_allclose(weights[4], w3, rtol=1e-5)
    np.testing.assert_allclose(weights[5], w3, rtol=1e-5)
    # Period 3 ended: beta = 2 beta_rate.
    scale3 = (w3 * MEANS[2]).sum()
    d = ((MEANS[2] / MEANS[1]) / (scale3 / scale2))**(2 * beta_rate)
    w4 = (w1 * scale3 / MEANS[2]) * d / d.mean()
    np.testing.assert_allclose(weights[6], w4, rtol=1e-5)


def test_zero_mean_keeps_weight(feed_rows):
    rows = [[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]]
    _, weights = feed_rows(LossScaleBalancing(period=2), rows,
                           ('a.loss_x', 'b.loss_z'))
    # Lbar(1) = 0.5 * 1 + 0.5 * 0; w_1 = 0.5 * 0.5 / 1; w_2 stays 0.5.
    np.testing.assert_allclose(weights[2], [0.25, 0.5])


def test_priorities_must_match(make_losses):
    weighter = LossScaleBalancing({'a.loss_x': 1.0, 'c.loss': 1.0}, period=2)
    with pytest.raises(KeyError, match=r"without a priority \['a.loss_y', "
                       r"'b.loss_z'\], priorities without a loss \['c.loss'"):
        weighter(make_losses([1, 1, 1], NAMES))


def test_bad_beta_rate():
    with pytest.raises(ValueError, match='beta_rate'):
        LossScaleBalancing(beta_rate=-0.1)
