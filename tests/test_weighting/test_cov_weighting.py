import math

import numpy as np
import pytest
import torch

from mtlw.weighting import CoVWeighting
from mtlw.weighting.cov_weighting import decay_of_window, welford_update


def reference_cov(rows, decay=None, sample_variance=False):
    """The authors' rule, step by step in plain Python."""
    k = len(rows[0])
    mean_loss, mean_ratio, sum_sq = [0.0] * k, [0.0] * k, [0.0] * k
    std_ratio = [0.0] * k
    out = []
    for t, row in enumerate(rows):
        ref = row if t == 0 else mean_loss
        ratio = [x / r for x, r in zip(row, ref)]
        if t <= 1:
            weights = [1.0 / k] * k
        else:
            cov = [s / m for s, m in zip(std_ratio, mean_ratio)]
            weights = [c / sum(cov) for c in cov]
        out.append(weights)
        m = 1 - 1 / (t + 1) if decay is None else decay
        m = 0.0 if t == 0 else m
        for i in range(k):
            new_mean = m * mean_ratio[i] + (1 - m) * ratio[i]
            sum_sq[i] += (ratio[i] - mean_ratio[i]) * (ratio[i] - new_mean)
            mean_ratio[i] = new_mean
            denom = t if sample_variance else t + 1
            std_ratio[i] = math.sqrt(sum_sq[i] / max(denom, 1) + 1e-8)
            mean_loss[i] = m * mean_loss[i] + (1 - m) * row[i]
    return np.array(out)


ROWS = [[1.0, 2.0, 0.5], [0.8, 2.2, 0.45], [0.7, 1.5, 0.5], [0.9, 1.9, 0.3],
        [0.5, 2.0, 0.35], [0.6, 1.2, 0.4]]


def test_first_two_steps_uniform(feed_rows):
    _, weights = feed_rows(CoVWeighting(), ROWS[:2])
    np.testing.assert_allclose(weights, np.full((2, 3), 1 / 3), rtol=1e-6)


def test_hand_worked_third_step(feed_rows):
    # t=0: l=(1,1); t=1: L0=(1,2), l=(0.5,2), mu_l=(0.75,1.5),
    # S=((0.5-1)(0.5-0.75), (2-1)(2-1.5)) = (0.125, 0.5), sigma=sqrt(S/2+1e-8)
    names = ('a.loss_x', 'b.loss_z')
    _, weights = feed_rows(CoVWeighting(), [[1.0, 2.0], [0.5, 4.0], [1, 1]],
                           names)
    c = np.array([math.sqrt(0.0625 + 1e-8) / 0.75,
                  math.sqrt(0.25 + 1e-8) / 1.5])
    np.testing.assert_allclose(weights[2], c / c.sum(), rtol=1e-6)


@pytest.mark.parametrize('decay', [None, 0.9])
def test_matches_reference(feed_rows, decay):
    weighter = CoVWeighting(mean_decay=decay)
    totals, weights = feed_rows(weighter, ROWS)
    expected = reference_cov(ROWS, decay)
    np.testing.assert_allclose(weights, expected, rtol=1e-5)
    np.testing.assert_allclose(totals, (expected * np.array(ROWS)).sum(1),
                               rtol=1e-5)
    assert int(weighter.step) == len(ROWS)


def test_population_variance(feed_rows):
    # A constant loss has sigma = 1e-4 whatever the denominator, so the
    # weight of the varying one tells S/(t+1) from S/t.
    rows = [[1.0, 1.0], [1.001, 1.0], [0.999, 1.0], [1.0005, 1.0], [1, 1]]
    names = ('a.loss_x', 'b.loss_z')
    _, weights = feed_rows(CoVWeighting(), rows, names)
    population = reference_cov(rows)
    sample = reference_cov(rows, sample_variance=True)
    assert abs(population[-1, 0] - sample[-1, 0]) > 5e-3
    np.testing.assert_allclose(weights, population, atol=1e-3)


def test_decay_changes_weights(feed_rows):
    _, full = feed_rows(CoVWeighting(), ROWS)
    _, decayed = feed_rows(CoVWeighting(mean_decay=0.5), ROWS)
    assert np.abs(full[2:] - decayed[2:]).max() > 1e-3


@pytest.mark.parametrize('rows', [
    [[0.0, 1.0], [0.3, 0.5], [0.1, 0.7], [0.2, 0.2]],  # zero at t = 0
    [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]],  # all zero
])
def test_zero_losses_give_finite_weights(feed_rows, rows):
    totals, weights = feed_rows(CoVWeighting(), rows, ('a.loss_x', 'b.x_loss'))
    assert np.isfinite(weights).all() and np.isfinite(totals).all()
    np.testing.assert_allclose(weights.sum(1), 1.0, rtol=1e-6)


def test_always_zero_loss_gets_no_weight(feed_rows):
    rows = [[0.0, 1.0], [0.0, 0.5], [0.0, 0.7], [0.0, 0.2]]
    _, weights = feed_rows(CoVWeighting(), rows, ('a.loss_x', 'b.x_loss'))
    np.testing.assert_allclose(weights[2:], [[0.0, 1.0], [0.0, 1.0]])


def test_welford_update_full_history():
    values = [3.0, 1.0, 4.0, 1.5]
    mean, sum_sq = torch.zeros(()), torch.zeros(())
    for t, value in enumerate(values):
        keep = torch.tensor(0.0 if t == 0 else 1 - 1 / (t + 1))
        mean, sum_sq = welford_update(mean, sum_sq, torch.tensor(value), keep)
    assert float(mean) == pytest.approx(np.mean(values))
    assert float(sum_sq) / len(values) == pytest.approx(np.var(values))


def test_bad_decay():
    with pytest.raises(ValueError, match='mean_decay'):
        CoVWeighting(mean_decay=1.5)


# Variants of section 4.3 (Table 7): hand-worked on two losses.
VARIANT_ROWS = [[1.0, 2.0], [0.5, 3.0], [1.0, 1.0], [1.0, 1.0]]
VARIANT_NAMES = ('a.loss_x', 'b.loss_z')


def test_raw_loss_statistics_hand_worked(feed_rows):
    # Statistics of L itself. t=0: mu=(1,2), S=0. t=1 (m=1/2): mu=(0.75,2.5),
    # S=((0.5-1)(0.5-0.75), (3-2)(3-2.5)) = (0.125, 0.5).
    # t=2 (m=2/3): mu=(5/6, 2), S += ((1-0.75)(1-5/6), (1-2.5)(1-2)) ->
    # S = (1/6, 2).
    weighter = CoVWeighting(statistic='loss')
    _, weights = feed_rows(weighter, VARIANT_ROWS, VARIANT_NAMES)
    c2 = np.array([math.sqrt(0.0625 + 1e-8) / 0.75,
                   math.sqrt(0.25 + 1e-8) / 2.5])
    c3 = np.array([math.sqrt(1 / 18 + 1e-8) / (5 / 6),
                   math.sqrt(2 / 3 + 1e-8) / 2.0])
    np.testing.assert_allclose(weights[:2], 0.5)
    np.testing.assert_allclose(weights[2], c2 / c2.sum(), rtol=1e-5)
    np.testing.assert_allclose(weights[3], c3 / c3.sum(), rtol=1e-5)
    # t=3 (m=3/4): mu=(7/8, 7/4), S += ((1-5/6)(1-7/8), (1-2)(1-7/4)).
    np.testing.assert_allclose(weighter.loss_mean, [7 / 8, 7 / 4], rtol=1e-6)
    np.testing.assert_allclose(weighter.loss_sum_sq, [1 / 6 + 1 / 48, 2.75],
                               rtol=1e-5)
    assert not hasattr(weighter, 'ratio_mean')


def test_raw_loss_statistics_differ_from_ratios(feed_rows):
    # At t=3 the ratio rule has mu_l=(17/18, 29/30): the variants part.
    _, loss = feed_rows(CoVWeighting(statistic='loss'), VARIANT_ROWS,
                        VARIANT_NAMES)
    _, ratio = feed_rows(CoVWeighting(), VARIANT_ROWS, VARIANT_NAMES)
    np.testing.assert_allclose(ratio, reference_cov(VARIANT_ROWS), rtol=1e-5)
    assert abs(loss[3, 0] - ratio[3, 0]) > 0.02


def test_inverse_weighting_hand_worked(feed_rows):
    # Ratios: t=0 l=(1,1); t=1 l=(0.5,1.5), mu_l=(0.75,1.25),
    # S=(0.125,0.125), sigma=(0.25,0.25): c = mu/sigma = (3, 5).
    # t=2: L=(1,1), mu_L=(0.75,2.5), l=(4/3, 0.4), mu_l=(17/18, 29/30),
    # S=(0.125 + (7/12)(7/18), 0.125 + 0.85 * 17/30).
    _, weights = feed_rows(CoVWeighting(inverse=True), VARIANT_ROWS,
                           VARIANT_NAMES)
    np.testing.assert_allclose(weights[2], [0.375, 0.625], rtol=1e-5)
    s = np.array([0.125 + 7 / 12 * 7 / 18, 0.125 + 0.85 * 17 / 30])
    c = np.array([17 / 18, 29 / 30]) / np.sqrt(s / 3 + 1e-8)
    np.testing.assert_allclose(weights[3], c / c.sum(), rtol=1e-5)


def test_inverse_of_raw_losses_hand_worked(feed_rows):
    # Loss statistics at t=2 as above: mu=(0.75,2.5), sigma=(0.25,0.5),
    # c = mu/sigma = (3, 5).
    _, weights = feed_rows(CoVWeighting(statistic='loss', inverse=True),
                           VARIANT_ROWS[:3], VARIANT_NAMES)
    np.testing.assert_allclose(weights[2], [0.375, 0.625], rtol=1e-5)


@pytest.mark.parametrize('steps, decay', [(20, 0.95), (100, 0.99),
                                          (1000, 0.999)])
def test_decay_of_window(steps, decay):
    assert decay_of_window(steps) == pytest.approx(decay)


def test_bad_variant_arguments():
    with pytest.raises(ValueError, match="statistic must be one of .*'std'"):
        CoVWeighting(statistic='std')
    with pytest.raises(ValueError, match='inverse must be a bool'):
        CoVWeighting(inverse=1)
    with pytest.raises(ValueError, match='window must be an int >= 2'):
        decay_of_window(1)
