import math

import numpy as np
import pytest

from mtlw.weighting import DWA

ROWS = [[1.0, 2.0, 0.5], [0.8, 2.2, 0.45],   # period 1
        [0.7, 1.5, 0.5], [0.9, 1.9, 0.3],    # period 2
        [0.5, 2.0, 0.35], [0.6, 1.2, 0.4],   # period 3
        [0.4, 1.0, 0.2], [0.3, 1.1, 0.3],    # period 4
        [0.2, 0.9, 0.1]]                     # period 5


def reference_dwa(rows, period, temperature=2.0):
    k = len(rows[0])
    means = [np.mean(rows[p:p + period], axis=0)
             for p in range(0, len(rows), period)]
    out = []
    for step in range(len(rows)):
        e = step // period  # current period, from 0
        if e < 2:
            out.append([1.0] * k)
            continue
        r = means[e - 1] / means[e - 2]
        exp = [math.exp(x / temperature) for x in r]
        out.append([k * x / sum(exp) for x in exp])
    return np.array(out)


@pytest.mark.parametrize('temperature', [2.0, 0.5])
def test_matches_reference_across_periods(feed_rows, temperature):
    totals, weights = feed_rows(DWA(temperature, period=2), ROWS)
    expected = reference_dwa(ROWS, 2, temperature)
    np.testing.assert_allclose(weights, expected, rtol=1e-5)
    np.testing.assert_allclose(totals, (expected * ROWS).sum(1), rtol=1e-5)
    np.testing.assert_allclose(weights.sum(1), 3.0, rtol=1e-5)


def test_hand_worked_third_period(feed_rows):
    _, weights = feed_rows(DWA(period=2), ROWS[:5])
    # r = mean(period 2) / mean(period 1) = (0.8/0.9, 1.7/2.1, 0.4/0.475)
    r = np.array([0.8 / 0.9, 1.7 / 2.1, 0.4 / 0.475])
    np.testing.assert_allclose(weights[4], 3 * np.exp(r / 2)
                               / np.exp(r / 2).sum(), rtol=1e-5)
    np.testing.assert_allclose(weights[:4], 1.0)


def test_period_from_runtime(feed_rows):
    weighter = DWA()
    weighter.bind_runtime(iters_per_epoch=3)
    _, weights = feed_rows(weighter, ROWS)
    np.testing.assert_allclose(weights, reference_dwa(ROWS, 3), rtol=1e-5)
    assert int(weighter.periods_done) == 3


def test_missing_period_raises_at_first_training_step(feed_rows):
    with pytest.raises(RuntimeError, match='DWA has no period'):
        feed_rows(DWA(), ROWS[:1])
    evaluating = DWA().eval()
    _, weights = feed_rows(evaluating, ROWS[:1])
    np.testing.assert_allclose(weights, 1.0)


@pytest.mark.parametrize('kwargs', [dict(period=0), dict(period=2.5),
                                    dict(temperature=0.0)])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        DWA(**kwargs)


def test_normalize_to_one_hand_worked(feed_rows):
    # The Loss Scale Balancing study's DWA: 1/K while there are fewer than
    # two periods, then softmax(r / T) (sum 1).
    totals, weights = feed_rows(DWA(period=2, normalize_to='one'), ROWS[:5])
    r = np.array([0.8 / 0.9, 1.7 / 2.1, 0.4 / 0.475])
    np.testing.assert_allclose(weights[:4], 1 / 3)
    np.testing.assert_allclose(weights[4], np.exp(r / 2) / np.exp(r / 2).sum(),
                               rtol=1e-5)
    np.testing.assert_allclose(totals[0], sum(ROWS[0]) / 3, rtol=1e-6)
    np.testing.assert_allclose(weights.sum(1), 1.0, rtol=1e-6)


def test_bad_normalize_to():
    with pytest.raises(ValueError, match="DWA normalize_to must be one of "
                       r"\('num_losses', 'one'\), got 'k'"):
        DWA(normalize_to='k')
