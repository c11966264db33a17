"""Saliency precision / recall over thresholds and the max F-measure.

As Vandenhende et al. evaluate saliency ("Multi-Task Learning for Dense
Prediction Tasks: A Survey", TPAMI 2021; their ``SaliencyMeter``): for
every image and threshold ``t``, the prediction ``p > t`` is compared with
the binary ground truth (``ignore_index`` pixels left out):
``P = TP / (TP + FP)``, ``R = TP / (TP + FN)`` (0 when the denominator
is 0). ``P`` and ``R`` are averaged over the images per threshold, then

``F_beta = (1 + beta^2) P R / (beta^2 P + R)``

and ``maxF`` is the largest ``F_beta`` over the thresholds. The saliency
literature uses ``beta^2 = 0.3``; Vandenhende's code computes
``2 P R / (P + R)`` (``beta^2 = 1``), so its numbers need ``beta_sq=1``.
"""
from typing import Sequence

import numpy as np

#: Vandenhende's thresholds: 15 from 0.2 to 0.9.
THRESHOLDS = tuple(np.linspace(0.2, 0.9, 15).tolist())


def precision_recall(prob: np.ndarray, gt: np.ndarray,
                     thresholds: Sequence[float] = THRESHOLDS,
                     ignore_index: int = 255) -> np.ndarray:
    """(2, T) precision and recall of one image at every threshold.

    Args:
        prob (np.ndarray): (H, W) saliency probability in [0, 1].
        gt (np.ndarray): (H, W) ground truth, 1 salient, 0 not,
            ``ignore_index`` unlabelled.
        thresholds (Sequence[float]): Thresholds of ``prob > t``.
        ignore_index (int): Label of unlabelled pixels.

    Returns:
        np.ndarray: Row 0 precision, row 1 recall.
    """
    if prob.shape != gt.shape:
        raise ValueError(f'saliency prediction {prob.shape} and ground truth '
                         f'{gt.shape} differ in shape')
    keep = gt != ignore_index
    prob, truth = prob[keep], gt[keep] > 0.5
    result = np.zeros((2, len(thresholds)))
    for index, threshold in enumerate(thresholds):
        pred = prob > threshold
        true_pos = np.sum(pred & truth)
        result[0, index] = true_pos / max(int(pred.sum()), 1)
        result[1, index] = true_pos / max(int(truth.sum()), 1)
    return result


def max_f_measure(precision: np.ndarray, recall: np.ndarray,
                  beta_sq: float = 0.3) -> float:
    """Largest ``F_beta`` over thresholds of mean precision and recall
    ((T,) each); 0 where both are 0."""
    denominator = beta_sq * precision + recall
    f_measure = np.where(denominator > 0, (1 + beta_sq) * precision * recall
                         / np.maximum(denominator, 1e-12), 0.0)
    return float(f_measure.max())
