"""The benchmark metrics on hand-made data samples."""
import math

import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mtlw.evaluation.functional import lower_is_better
from mtlw.registry import METRICS


def sample(**fields):
    data_sample = SegDataSample()
    for name, value in fields.items():
        data_sample.set_data({name: PixelData(data=value)})
    return data_sample


def libmtl_depth_errors(batches):
    """LibMTL's DepthMetric written plainly: per batch, the errors' sums
    over the valid pixels divided by their count, then the batch values
    weighted by the count (what its ``bs`` holds after masked_select)."""
    abs_values, rel_values, counts = [], [], []
    for preds, gts in batches:
        pred, gt = torch.stack(preds), torch.stack(gts)
        mask = gt != 0
        p, g = pred[mask], gt[mask]
        abs_values.append(float((p - g).abs().sum() / mask.sum()))
        rel_values.append(float(((p - g).abs() / g).sum() / mask.sum()))
        counts.append(int(mask.sum()))
    total = sum(counts)
    return (sum(a * n for a, n in zip(abs_values, counts)) / total,
            sum(r * n for r, n in zip(rel_values, counts)) / total)


def test_pooled_depth_metric_follows_libmtl():
    torch.manual_seed(0)
    gts = [torch.rand(1, 4, 5) * 5 + 0.5 for _ in range(5)]
    preds = [gt + torch.randn(1, 4, 5) * 0.3 for gt in gts]
    gts[1][0, :3] = 0  # invalid pixels: images weigh by their valid count
    gts[4][0, 1:] = 0
    metric = METRICS.build(dict(type='PooledDepthMetric'))
    batches = [(preds[:2], gts[:2]), (preds[2:], gts[2:])]
    for batch_preds, batch_gts in batches:
        metric.process({}, [sample(pred_depth_map=p, gt_depth_map=g)
                            for p, g in zip(batch_preds, batch_gts)])
    result = metric.evaluate(5)
    want_abs, want_rel = libmtl_depth_errors(batches)
    assert result['abs_err'] == pytest.approx(want_abs, rel=1e-6)
    assert result['rel_err'] == pytest.approx(want_rel, rel=1e-6)
    pred = torch.cat([p[g > 0] for p, g in zip(preds, gts)]).double()
    gt = torch.cat([g[g > 0] for g in gts]).double()
    assert result['rmse'] == pytest.approx(
        math.sqrt(float(((pred - gt) ** 2).mean())))
    assert lower_is_better('depth/abs_err')
    assert lower_is_better('depth/rel_err')


def test_label_iou_metric_reads_a_dense_task_and_takes_the_argmax():
    logits = torch.zeros(3, 1, 4)
    logits[0, 0, :2] = 1  # predicts 0 0 1 2
    logits[1, 0, 2] = 1
    logits[2, 0, 3] = 1
    gt = torch.tensor([[[0.0, 1.0, 1.0, 255.0]]])
    metric = METRICS.build(dict(type='LabelIoUMetric', task='parts',
                                num_classes=3))
    metric.process({}, [sample(pred_parts_map=logits, gt_parts_map=gt)])
    result = metric.evaluate(1)
    # class 0: 1 / 2, class 1: 1 / 2, class 2: predicted only on an ignored
    # pixel, so absent from the confusion matrix
    assert result['mIoU'] == pytest.approx(50.0)
    assert result['aAcc'] == pytest.approx(100 * 2 / 3)
    with pytest.raises(ValueError, match='num_classes'):
        METRICS.build(dict(type='LabelIoUMetric', task='parts',
                           num_classes=1))


def test_saliency_metric_averages_precision_recall_over_images():
    prob = [torch.tensor([[[0.9, 0.6, 0.3, 0.1]]]),
            torch.tensor([[[0.8, 0.7, 0.2, 0.4]]])]
    gt = [torch.tensor([[[1.0, 0.0, 1.0, 0.0]]]),
          torch.tensor([[[1.0, 1.0, 0.0, 0.0]]])]
    metric = METRICS.build(dict(type='SaliencyMetric', thresholds=[0.5],
                                beta_sq=1.0, logits=False))
    metric.process({}, [sample(pred_sal_map=p, gt_sal_map=g)
                        for p, g in zip(prob, gt)])
    # image 1: P 1/2, R 1/2; image 2: P 1, R 1 -> mean P = R = 3/4
    assert metric.evaluate(2)['maxF'] == pytest.approx(75.0)
    logit_metric = METRICS.build(dict(type='SaliencyMetric',
                                      thresholds=[0.5], beta_sq=1.0))
    logit_metric.process({}, [sample(pred_sal_map=torch.logit(p),
                                     gt_sal_map=g)
                              for p, g in zip(prob, gt)])
    assert logit_metric.evaluate(2)['maxF'] == pytest.approx(75.0)
    with pytest.raises(ValueError, match='beta_sq'):
        METRICS.build(dict(type='SaliencyMetric', beta_sq=0))


def test_edge_ods_metric_sums_counts_over_images():
    gt = torch.zeros(1, 20, 20)
    gt[0, :, 5] = 1
    good = torch.full((1, 20, 20), -10.0)
    good[0, :, 5] = 10.0  # a sure boundary where the truth is
    empty = torch.full((1, 20, 20), -10.0)  # misses every boundary
    metric = METRICS.build(dict(type='EdgeODSMetric', num_thresholds=9))
    metric.process({}, [sample(pred_edge_map=good, gt_edge_map=gt),
                        sample(pred_edge_map=empty, gt_edge_map=gt)])
    result = metric.evaluate(2)
    # summed: 20 of 20 predicted pixels matched, 20 of 40 true ones
    assert result['odsP'] == pytest.approx(100.0)
    assert result['odsR'] == pytest.approx(50.0)
    assert result['odsF'] == pytest.approx(100 * 2 * 0.5 / 1.5)
    assert not lower_is_better('edge/odsF')
    with pytest.raises(ValueError, match='max_dist'):
        METRICS.build(dict(type='EdgeODSMetric', max_dist=0))
