"""Normal angular errors and NormalMetric on known vectors."""
import math

import numpy as np
import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mtlw.evaluation.functional.normal_errors import (BIN_WIDTH,
                                                      angle_statistics,
                                                      histogram_median,
                                                      normal_angles,
                                                      summarize_angles)
from mtlw.evaluation.metrics import NormalMetric


def normals(*vectors):
    """(3, 1, n) map of the given vectors."""
    return torch.tensor(vectors, dtype=torch.float32).T.reshape(3, 1, -1)


def test_angles_of_known_vectors():
    gt = normals((1, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1), (0, 0, 0))
    pred = normals((5, 0, 0), (1, 1, 0), (0, 0, 2), (0, 0, -1), (1, 0, 0))
    angles = normal_angles(pred, gt)
    # the prediction is scaled to unit length; the zero gt is invalid
    assert torch.allclose(angles, torch.tensor(
        [0.0, 45.0, 90.0, 180.0], dtype=torch.float64), atol=1e-4)
    with pytest.raises(ValueError, match=r'\(3, H, W\)'):
        normal_angles(torch.zeros(2, 1, 1), torch.zeros(2, 1, 1))


def test_summary_from_statistics():
    angles = torch.tensor([5.0, 12.0, 20.0, 29.0, 40.0])
    result = summarize_angles(angle_statistics(angles))
    assert result['angle_mean'] == pytest.approx(21.2)
    assert result['angle_rmse'] == pytest.approx(
        math.sqrt((25 + 144 + 400 + 841 + 1600) / 5))
    assert result['angle_median'] == pytest.approx(
        20.0, abs=BIN_WIDTH / 2 + 1e-9)
    assert result['within_11.25'] == pytest.approx(20.0)
    assert result['within_22.5'] == pytest.approx(60.0)
    assert result['within_30'] == pytest.approx(80.0)


def test_histogram_median_is_within_half_a_bin_of_the_exact_one():
    values = torch.from_numpy(np.random.default_rng(0).uniform(0, 90, 999))
    stats = angle_statistics(values)
    assert histogram_median(stats['histogram']) == pytest.approx(
        float(np.median(values.numpy())), abs=BIN_WIDTH / 2 + 1e-9)
    with pytest.raises(ValueError, match='empty'):
        histogram_median(np.zeros(4))


def test_metric_pools_the_pixels_of_all_images():
    samples = []
    # image 1: one pixel at 0 degrees; image 2: three pixels at 90 degrees
    for gt, pred in [(normals((0, 0, 1)), normals((0, 0, 1))),
                     (normals((1, 0, 0), (1, 0, 0), (1, 0, 0)),
                      normals((0, 1, 0), (0, 1, 0), (0, 1, 0)))]:
        sample = SegDataSample()
        sample.gt_normal_map = PixelData(data=gt)
        sample.pred_normal_map = PixelData(data=pred)
        samples.append(sample.to_dict())
    metric = NormalMetric(prefix='normal')
    metric.process({}, samples)
    result = metric.evaluate(2)
    # pooled over 4 pixels, not averaged per image (which would give 45)
    assert result['normal/angle_mean'] == pytest.approx(67.5)
    assert result['normal/within_30'] == pytest.approx(25.0)
