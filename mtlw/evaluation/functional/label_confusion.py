"""Confusion matrix, mIoU and pixel accuracy of a label map.

As LibMTL's ``SegMetric`` (and mmseg's ``IoUMetric``): one confusion matrix
summed over the dataset, ``IoU_c = TP_c / (TP_c + FP_c + FN_c)``,
``mIoU`` the mean over the classes that occur in the ground truth or the
prediction (a class absent from both has no IoU and is left out; LibMTL's
plain mean would turn NaN), ``aAcc`` the fraction of labelled pixels
predicted right. Both in %.
"""
from typing import Dict

import numpy as np


def confusion_matrix(pred: np.ndarray, gt: np.ndarray, num_classes: int,
                     ignore_index: int = 255) -> np.ndarray:
    """(C, C) counts, rows ground truth, columns prediction.

    Pixels whose ground truth is ``ignore_index`` or outside
    ``[0, num_classes)`` are left out.
    """
    if pred.shape != gt.shape:
        raise ValueError(f'label prediction {pred.shape} and ground truth '
                         f'{gt.shape} differ in shape')
    gt = gt.astype(np.int64).ravel()
    pred = pred.astype(np.int64).ravel()
    keep = (gt != ignore_index) & (gt >= 0) & (gt < num_classes)
    index = num_classes * gt[keep] + pred[keep]
    return np.bincount(index, minlength=num_classes ** 2).reshape(
        num_classes, num_classes)


def iou_scores(confusion: np.ndarray) -> Dict[str, float]:
    """``mIoU`` and ``aAcc`` (in %) of a summed confusion matrix."""
    if confusion.sum() == 0:
        raise ValueError('no labelled pixel to evaluate')
    true_pos = np.diag(confusion).astype(np.float64)
    union = confusion.sum(0) + confusion.sum(1) - true_pos
    present = union > 0
    return dict(mIoU=100.0 * float(np.mean(true_pos[present] /
                                           union[present])),
                aAcc=100.0 * float(true_pos.sum() / confusion.sum()))
