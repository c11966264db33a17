"""Boundary matching and ODS on hand-made cases."""
import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from mtlw.evaluation.functional.edge_matching import (edge_counts,
                                                      match_boundaries,
                                                      ods_scores)


def line(shape, row=None, col=None):
    edges = np.zeros(shape, bool)
    if row is not None:
        edges[row, :] = True
    if col is not None:
        edges[:, col] = True
    return edges


def test_shifted_line_matches_only_within_the_tolerance():
    gt = line((30, 40), row=10)
    pred = line((30, 40), row=12)  # 2 px away; diagonal is 50
    assert match_boundaries(pred, gt, max_dist=0.0075)[0] == 0  # 0.375 px
    assert match_boundaries(pred, gt, max_dist=0.05)[0] == 40  # 2.5 px
    assert match_boundaries(gt, gt, max_dist=0.0075)[0] == 40  # distance 0


def test_matching_is_one_to_one_and_maximal():
    # one predicted pixel between two ground-truth pixels matches one;
    # a greedy nearest match of p0 to g1 would leave p1 unmatched
    shape = (1, 100)
    pred, gt = np.zeros(shape, bool), np.zeros(shape, bool)
    pred[0, [10, 12]] = True
    gt[0, [11, 13]] = True
    radius = 1.5 / np.hypot(*shape)
    for min_cost in (False, True):
        assert match_boundaries(pred, gt, radius, min_cost)[0] == 2
    pred[0, 12] = False
    assert match_boundaries(pred, gt, radius)[0] == 1


def brute_force_matching(pred, gt, radius):
    """Largest matching within ``radius`` by an exhaustive assignment."""
    p, g = np.argwhere(pred), np.argwhere(gt)
    if len(p) == 0 or len(g) == 0:
        return 0
    dist = np.linalg.norm(p[:, None] - g[None], axis=-1)
    cost = np.where(dist <= radius, 0.0, 1.0)
    rows, cols = linear_sum_assignment(cost)
    return int(np.sum(cost[rows, cols] == 0))


@pytest.mark.parametrize('min_cost', [False, True])
@pytest.mark.parametrize('seed', range(5))
def test_matching_size_equals_an_exhaustive_assignment(seed, min_cost):
    rng = np.random.default_rng(seed)
    pred = rng.random((12, 15)) > 0.8
    gt = rng.random((12, 15)) > 0.85
    max_dist = 0.1  # 1.9 px on this 19.2 px diagonal
    radius = max_dist * np.hypot(12, 15)
    assert match_boundaries(pred, gt, max_dist, min_cost)[0] == \
        brute_force_matching(pred, gt, radius)


def test_ods_picks_the_best_threshold_over_summed_counts():
    gt = line((20, 20), col=5)
    prob = np.zeros((20, 20))
    prob[:, 5] = 0.6  # the true boundary
    prob[:, 15] = 0.3  # a false one, kept only by the low threshold
    counts = edge_counts(prob, gt, thresholds=[0.2, 0.5, 0.9])
    assert list(counts['pred']) == [40, 20, 0]
    assert list(counts['matched_gt']) == [20, 20, 0]
    scores = ods_scores(counts)
    assert scores['ods_index'] == 1
    assert scores['odsF'] == pytest.approx(1.0)
    # at 0.2: P = 0.5, R = 1, F = 2/3
    assert ods_scores({k: v[:1] for k, v in counts.items()})['odsF'] == \
        pytest.approx(2 / 3)


def test_thinning_removes_thick_predictions():
    gt = line((20, 20), col=8)
    prob = np.zeros((20, 20))
    prob[:, 7:10] = 1.0  # 3 px wide around the boundary
    thick = edge_counts(prob, gt, [0.5], thin=False)
    thin = edge_counts(prob, gt, [0.5], thin=True)
    assert thick['pred'][0] == 60 and thick['matched_pred'][0] == 20
    assert thin['pred'][0] <= 20
    assert thin['matched_pred'][0] >= 18
