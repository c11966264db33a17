import json

import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mtlw.evaluation.functional import depth_errors
from mtlw.registry import METRICS


def make_sample(pred, gt, path=None):
    sample = SegDataSample()
    sample.pred_depth_map = PixelData(data=pred[None])
    sample.gt_depth_map = PixelData(data=gt[None])
    if path is not None:
        sample.set_metainfo(dict(img_path=path))
    return sample


def test_depth_metric_is_registered_and_averages_per_image(tmp_path):
    torch.manual_seed(0)
    gts = [torch.rand(4, 6) * 10 + 0.5 for _ in range(3)]
    preds = [gt * (1 + 0.3 * torch.randn(4, 6)).clamp(0.2) for gt in gts]
    gts[1][0] = 0  # invalid pixels
    out = tmp_path / 'per_image.json'
    metric = METRICS.build(
        dict(type='PerImageDepthMetric', output_file=str(out)))
    # the evaluator hands dicts, models may hand data samples: both work
    metric.process({}, [make_sample(preds[0], gts[0], 'a.png').to_dict()])
    metric.process({}, [make_sample(p, g, f'{n}.png')
                        for n, (p, g) in enumerate(zip(preds[1:], gts[1:]))])
    result = metric.evaluate(3)
    per_image = [depth_errors(p, g, g > 0) for p, g in zip(preds, gts)]
    for name in ('abs_rel', 'rmse', 'delta1', 'silog'):
        want = sum(e[name].item() for e in per_image) / 3
        assert result[name] == pytest.approx(want, rel=1e-6)
    # averaging per image differs from pooling the pixels of all images
    pooled = depth_errors(torch.cat([p.flatten() for p in preds]),
                          torch.cat([g.flatten() for g in gts]),
                          torch.cat([g.flatten() > 0 for g in gts]))
    assert result['rmse'] != pytest.approx(pooled['rmse'].item(), rel=1e-3)
    records = json.loads(out.read_text())
    assert [r['image'] for r in records] == ['a.png', '0.png', '1.png']
    assert records[1]['abs_rel'] == pytest.approx(
        per_image[1]['abs_rel'].item())


def test_depth_metric_caps_clamps_and_crops():
    gt = torch.full((10, 20), 10.0)
    gt[0, 0] = 95.0  # beyond the 80 m cap: not scored
    pred = torch.full((10, 20), 10.0)
    pred[0, 0] = 1.0
    pred[5, 5] = 200.0  # clamped to 80 before scoring
    metric = METRICS.build(dict(type='PerImageDepthMetric'))
    metric.process({}, [make_sample(pred, gt)])
    assert metric.results[0]['errors']['abs_rel'] == pytest.approx(
        (80 - 10) / 10 / 199)
    # with the Garg crop (rows 4..8, cols 0..18) the bad pixel (5, 5) stays
    # in and (0, 0) stays out, so only the count of pixels changes
    cropped = METRICS.build(dict(type='PerImageDepthMetric', crop='garg'))
    assert cropped.image_errors(pred, gt)['abs_rel'] == pytest.approx(
        7 / (5 * 19))
    pred[5, 5] = 10.0
    pred[0, 0] = 1.0
    assert cropped.image_errors(pred, gt)['abs_rel'] == 0


def test_depth_metric_skips_images_without_valid_pixels():
    metric = METRICS.build(dict(type='PerImageDepthMetric', max_depth=5.0))
    gt = torch.full((2, 2), 4.0)
    metric.process({}, [make_sample(gt * 2, gt),
                        make_sample(gt, torch.full((2, 2), 6.0))])
    assert metric.evaluate(2)['abs_rel'] == pytest.approx(0.25)  # 5 vs 4


def test_depth_metric_errors():
    with pytest.raises(ValueError, match='min_depth=1.0, max_depth=1.0'):
        METRICS.build(
            dict(type='PerImageDepthMetric', min_depth=1.0, max_depth=1.0))
    with pytest.raises(ValueError, match="unknown depth evaluation crop"):
        METRICS.build(dict(type='PerImageDepthMetric', crop='nyu'))
    metric = METRICS.build(dict(type='PerImageDepthMetric'))
    with pytest.raises(ValueError,
                       match=r'\(2, 2\) and gt_depth_map \(3, 3\)'):
        metric.process({}, [make_sample(torch.ones(2, 2), torch.ones(3, 3))])
    with pytest.raises(KeyError, match="no 'pred_depth_map'"):
        metric.process({}, [dict(gt_depth_map=dict(data=torch.ones(1, 2, 2)))])
    metric.process({}, [make_sample(torch.ones(2, 2), torch.zeros(2, 2))])
    with pytest.raises(ValueError, match='no image has a valid'):
        metric.evaluate(1)
