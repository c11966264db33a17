"""Multitask score (Argenziano and Pagani) and depth within a range."""
import numpy as np
import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mtlw.evaluation.functional import depth_errors, multitask_score
from mtlw.registry import METRICS


def test_multitask_score_by_hand():
    assert multitask_score(86.22, 15.576) == pytest.approx(36.22 + 34.424)
    assert multitask_score(40.0, 60.0) == 0.0  # neither term below zero
    assert multitask_score(70.0, 60.0) == pytest.approx(20.0)
    with pytest.raises(ValueError, match='percentage'):
        multitask_score(120.0, 10.0)
    with pytest.raises(ValueError, match='SILog must be >= 0'):
        multitask_score(80.0, -1.0)


def depth_sample(pred, gt):
    sample = SegDataSample()
    sample.pred_depth_map = PixelData(data=torch.tensor(pred).view(1, 1, -1))
    sample.gt_depth_map = PixelData(data=torch.tensor(gt).view(1, 1, -1))
    return sample


def test_range_metric_scores_near_pixels_only():
    pred = [1.5, 3.0, 7.0, 30.0, 9.0]
    gt = [2.0, 4.0, 6.5, 5.0, 0.0]  # last pixel invalid
    metric = METRICS.build(dict(type='RangeDepthMetric', max_eval_depth=4.0,
                                max_depth=80.0))
    metric.process(None, [depth_sample(pred, gt)])
    got = metric.compute_metrics(metric.results)
    # gt <= 4 m: the first two pixels
    expected = depth_errors(torch.tensor([1.5, 3.0]), torch.tensor([2.0,
                                                                    4.0]))
    for name in ('abs_rel', 'rmse', 'delta1', 'silog'):
        assert got[name] == pytest.approx(float(expected[name]))
    # a near pixel predicted far is not clamped to the 4 m range
    wide = METRICS.build(dict(type='RangeDepthMetric', max_eval_depth=6.0,
                              max_depth=80.0))
    wide.process(None, [depth_sample(pred, gt)])
    rmse = np.sqrt(np.mean([0.25, 1.0, 625.0]))
    assert wide.compute_metrics(wide.results)['rmse'] == pytest.approx(rmse)
    with pytest.raises(ValueError, match='must exceed min_depth'):
        METRICS.build(dict(type='RangeDepthMetric', max_eval_depth=1e-4))


def test_score_metric_adds_the_score():
    metric = METRICS.build(dict(
        type='MultiTaskScoreMetric',
        tasks=dict(depth=dict(type='PerImageDepthMetric', max_depth=80.0))))
    metric.process(None, [depth_sample([2.0, 4.0], [2.0, 5.0])])
    with pytest.raises(KeyError, match='seg/mIoU'):
        metric.evaluate(1)
