"""Saliency max-F and label-map mIoU on hand-made cases."""
import numpy as np
import pytest

from mtlw.evaluation.functional.label_confusion import (confusion_matrix,
                                                        iou_scores)
from mtlw.evaluation.functional.saliency_f import (max_f_measure,
                                                   precision_recall)


def test_saliency_precision_recall_by_hand():
    prob = np.array([[0.9, 0.6, 0.3, 0.1]])
    gt = np.array([[1, 0, 1, 255]])
    result = precision_recall(prob, gt, thresholds=[0.2, 0.5, 0.95])
    # t=0.2: predicted {0.9, 0.6, 0.3} -> TP 2 of 3, recall 2/2
    # t=0.5: {0.9, 0.6} -> P 1/2, R 1/2; t=0.95: nothing -> P 0, R 0
    assert np.allclose(result[0], [2 / 3, 1 / 2, 0])
    assert np.allclose(result[1], [1, 1 / 2, 0])


def test_max_f_with_beta():
    precision, recall = np.array([2 / 3, 0.5]), np.array([1.0, 0.5])
    f1 = max_f_measure(precision, recall, beta_sq=1.0)
    assert f1 == pytest.approx(0.8)  # 2 (2/3) / (5/3)
    f03 = max_f_measure(precision, recall, beta_sq=0.3)
    assert f03 == pytest.approx(1.3 * (2 / 3) / (0.3 * 2 / 3 + 1))
    assert max_f_measure(np.zeros(2), np.zeros(2)) == 0.0


def test_confusion_and_iou_by_hand():
    gt = np.array([[0, 0, 1, 1, 255, 2]])
    pred = np.array([[0, 1, 1, 1, 0, 1]])
    confusion = confusion_matrix(pred, gt, num_classes=4)
    assert confusion.sum() == 5  # 255 left out
    scores = iou_scores(confusion)
    # class 0: 1 / 2; class 1: 2 / 4; class 2: 0 / 1; class 3 absent
    assert scores['mIoU'] == pytest.approx(100 * (0.5 + 0.5 + 0) / 3)
    assert scores['aAcc'] == pytest.approx(100 * 3 / 5)
    with pytest.raises(ValueError, match='no labelled pixel'):
        iou_scores(np.zeros((3, 3), np.int64))
