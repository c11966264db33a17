"""Boundary precision / recall with the BSDS pixel correspondence and the
optimal-dataset-scale (ODS) F-measure.

Martin, Fowlkes and Malik, "Learning to Detect Natural Image Boundaries
Using Local Brightness, Color, and Texture Cues" (TPAMI 2004) match the
predicted and the ground-truth boundary pixels one to one: two pixels may
be matched when they lie at most ``max_dist`` times the image diagonal
apart, and the matching has the largest number of pairs and, among those,
the smallest total distance (a min-cost bipartite assignment; the BSDS
``correspondPixels`` solves it with an outlier cost). A matched predicted
pixel is a true positive of precision, a matched ground-truth pixel one of
recall.

Over a set of thresholds ``t``, every image adds its counts at ``t``
(binarised prediction ``p >= t``, optionally thinned to one pixel width);
``ODS`` is the best F-measure ``2 P R / (P + R)`` of the dataset-summed
counts over the thresholds.

Differences from the MATLAB benchmark (``edgesEvalImg`` / SEISM): the
matching is exact (its size from scipy's Hopcroft-Karp maximum matching
of the candidate pairs, or the min-cost assignment itself with scipy's
sparse min-weight full matching and a dummy partner per pixel) where the
MATLAB code uses an approximate CSA solver; thinning is scikit-image's
``thin`` (the MATLAB one is ``bwmorph(..., 'thin', inf)``; the two may
differ by a pixel at junctions); the ODS is taken at the given thresholds
without the benchmark's interpolation between neighbouring thresholds; the
tolerance is measured from pixel centres with the Euclidean distance, as
there.
"""
from typing import Dict, Sequence, Tuple

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import (maximum_bipartite_matching,
                                  min_weight_full_bipartite_matching)
from scipy.spatial import cKDTree

#: The usual BSDS / PASCAL-Context tolerance, a fraction of the diagonal.
MAX_DIST = 0.0075
#: Keys of :func:`edge_counts`' arrays, additive over images.
COUNT_KEYS = ('matched_pred', 'pred', 'matched_gt', 'gt')


def match_boundaries(pred: np.ndarray, gt: np.ndarray,
                     max_dist: float = MAX_DIST,
                     min_cost: bool = False) -> Tuple[int, int]:
    """One-to-one matching of boundary pixels within the tolerance.

    The BSDS assignment matches as many pixels as possible and, among those
    matchings, the one of least total distance. The cost only chooses among
    matchings of the same size, so the size, all that precision and recall
    need, is that of a maximum-cardinality matching: by default found with
    Hopcroft-Karp (fast: the candidate graph of a full-size image has
    millions of edges). ``min_cost=True`` solves the min-cost assignment
    itself (same size, slower).

    Args:
        pred (np.ndarray): (H, W) bool predicted boundary pixels.
        gt (np.ndarray): (H, W) bool ground-truth boundary pixels.
        max_dist (float): Tolerance as a fraction of the image diagonal.
        min_cost (bool): Solve the min-cost assignment.

    Returns:
        tuple[int, int]: The number of matched pairs and of candidate
        pairs within the tolerance.
    """
    if pred.shape != gt.shape or pred.ndim != 2:
        raise ValueError(f'match_boundaries needs two (H, W) maps of one '
                         f'shape, got {pred.shape} and {gt.shape}')
    radius = max_dist * float(np.hypot(*pred.shape))
    pred_xy, gt_xy = np.argwhere(pred), np.argwhere(gt)
    if len(pred_xy) == 0 or len(gt_xy) == 0:
        return 0, 0
    pairs = cKDTree(pred_xy).sparse_distance_matrix(
        cKDTree(gt_xy), radius, output_type='coo_matrix')
    # pixels at distance 0 are pairs too; sparse_distance_matrix drops them
    same = np.argwhere(pred & gt)
    if len(same):
        pairs = _with_zero_pairs(pairs, pred, gt, same)
    if pairs.nnz == 0:
        return 0, 0
    if min_cost:
        return _max_min_cost_matching(pairs, radius), pairs.nnz
    graph = coo_matrix((np.ones(pairs.nnz), (pairs.row, pairs.col)),
                       shape=pairs.shape).tocsr()
    matched = maximum_bipartite_matching(graph, perm_type='column')
    return int(np.sum(matched >= 0)), pairs.nnz


def _with_zero_pairs(pairs: coo_matrix, pred: np.ndarray, gt: np.ndarray,
                     same: np.ndarray) -> coo_matrix:
    """Add the pairs of pixels set in both maps (distance 0)."""
    pred_index = np.cumsum(pred.ravel()) - 1
    gt_index = np.cumsum(gt.ravel()) - 1
    flat = np.ravel_multi_index(same.T, pred.shape)
    rows = np.concatenate([pairs.row, pred_index[flat]])
    cols = np.concatenate([pairs.col, gt_index[flat]])
    data = np.concatenate([pairs.data, np.zeros(len(flat))])
    return coo_matrix((data, (rows, cols)), shape=pairs.shape)


def _max_min_cost_matching(pairs: coo_matrix, radius: float) -> int:
    """Size of the largest matching of least total distance.

    Each predicted pixel ``i`` gets a dummy ground-truth partner and each
    ground-truth pixel ``j`` a dummy predicted partner, both at the outlier
    cost; dummies pair with each other along the transposed candidate
    edges, so every matching of real pixels extends to a full matching. An
    outlier cost above any total distance makes the optimum match as many
    pixels as possible. All weights get +1 (the same total for every full
    matching) so that no edge has weight zero.
    """
    n_pred, n_gt = pairs.shape
    outlier = radius * (min(n_pred, n_gt) + 1) + 1
    rows, cols, dist = pairs.row, pairs.col, pairs.data
    all_rows = np.concatenate([rows, np.arange(n_pred), n_pred + np.arange(
        n_gt), n_pred + cols])
    all_cols = np.concatenate([cols, n_gt + np.arange(n_pred), np.arange(
        n_gt), n_gt + rows])
    weights = np.concatenate([dist, np.full(n_pred, outlier), np.full(
        n_gt, outlier), np.zeros(len(rows))]) + 1.0
    size = n_pred + n_gt
    graph = coo_matrix((weights, (all_rows, all_cols)),
                       shape=(size, size)).tocsr()
    matched_cols = min_weight_full_bipartite_matching(graph)[1]
    return int(np.sum(matched_cols[:n_pred] < n_gt))


def thin_boundaries(edges: np.ndarray) -> np.ndarray:
    """Thin a bool boundary map to one pixel width (scikit-image)."""
    from skimage.morphology import thin
    return thin(edges)


def edge_counts(prob: np.ndarray, gt: np.ndarray,
                thresholds: Sequence[float], max_dist: float = MAX_DIST,
                thin: bool = True) -> Dict[str, np.ndarray]:
    """Matching counts of one image at every threshold.

    Args:
        prob (np.ndarray): (H, W) boundary probability.
        gt (np.ndarray): (H, W) bool ground-truth boundaries.
        thresholds (Sequence[float]): Thresholds of ``prob >= t``.
        max_dist (float): Tolerance as a fraction of the diagonal.
        thin (bool): Thin the binarised prediction first.

    Returns:
        dict[str, np.ndarray]: :data:`COUNT_KEYS` -> (T,) int64 counts.
    """
    gt = np.asarray(gt, dtype=bool)
    counts = {key: np.zeros(len(thresholds), np.int64) for key in COUNT_KEYS}
    for index, threshold in enumerate(thresholds):
        pred = prob >= threshold
        if thin and pred.any():
            pred = thin_boundaries(pred)
        matched = match_boundaries(pred, gt, max_dist)[0]
        counts['matched_pred'][index] = matched
        counts['matched_gt'][index] = matched
        counts['pred'][index] = int(pred.sum())
        counts['gt'][index] = int(gt.sum())
    return counts


def ods_scores(counts: Dict[str, np.ndarray]) -> Dict[str, float]:
    """ODS F-measure, precision, recall and threshold index of summed
    :func:`edge_counts` (precision 1 without predicted pixels, recall 1
    without ground-truth pixels, F 0 where both are 0)."""
    precision = np.where(counts['pred'] > 0, counts['matched_pred'] /
                         np.maximum(counts['pred'], 1), 1.0)
    recall = np.where(counts['gt'] > 0, counts['matched_gt'] /
                      np.maximum(counts['gt'], 1), 1.0)
    denominator = precision + recall
    f_measure = np.where(denominator > 0, 2 * precision * recall /
                         np.maximum(denominator, 1e-12), 0.0)
    best = int(np.argmax(f_measure))
    return dict(odsF=float(f_measure[best]), odsP=float(precision[best]),
                odsR=float(recall[best]), ods_index=best)
