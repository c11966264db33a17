"""MultiTaskMetric (task metrics + Delta_m) and TaskErrorMetric."""
import json

import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mtlw.registry import METRICS

TASKS = dict(
    depth=dict(type='PerImageDepthMetric', min_depth=1e-3, max_depth=10.0),
    normal=dict(type='NormalMetric'),
    seg=dict(type='IoUMetric', iou_metrics=['mIoU']),
    edge2d=dict(type='TaskErrorMetric', task='edge2d',
                loss=dict(type='L1StdLoss'), term='loss_l1', scale=10.0))


def sample():
    """Depth off by 2x on one of two pixels, normals right, one of two
    pixels labelled right, edges off by 0.1."""
    data = SegDataSample()
    fields = dict(
        gt_depth_map=torch.tensor([[[2.0, 4.0]]]),
        pred_depth_map=torch.tensor([[[2.0, 8.0]]]),
        gt_normal_map=torch.tensor([[[0.0, 0.0]], [[0.0, 0.0]],
                                    [[1.0, 1.0]]]),
        pred_normal_map=torch.tensor([[[0.0, 0.0]], [[0.0, 0.0]],
                                      [[1.0, 1.0]]]),
        gt_sem_seg=torch.tensor([[[0, 1]]]),
        pred_sem_seg=torch.tensor([[[0, 0]]]),
        gt_edge2d_map=torch.tensor([[[0.0, 0.2]]]),
        pred_edge2d_map=torch.tensor([[[0.1, 0.3]]]))
    for name, value in fields.items():
        data.set_data({name: PixelData(data=value)})
    return data.to_dict()


def build(**kwargs):
    metric = METRICS.build(dict(type='MultiTaskMetric', tasks=TASKS,
                                **kwargs))
    metric.dataset_meta = dict(classes=('a', 'b'))
    return metric


def test_task_metrics_are_prefixed_by_task():
    metric = build()
    metric.process({}, [sample()])
    result = metric.evaluate(1)
    assert result['depth/delta1'] == pytest.approx(0.5)
    assert result['depth/abs_rel'] == pytest.approx(0.5)  # (0 + 1) / 2
    assert result['normal/angle_mean'] == pytest.approx(0.0, abs=1e-3)
    assert result['seg/aAcc'] == pytest.approx(50.0)
    # L1 of 0.1 per pixel, times 10
    assert result['edge2d/error'] == pytest.approx(1.0)
    assert 'delta_m' not in result


def test_delta_m_against_a_baseline_file(tmp_path):
    path = tmp_path / 'single_task.json'
    path.write_text(json.dumps({'depth/delta1': 1.0, 'edge2d/error': 0.5}))
    metric = build(delta_m=dict(
        baseline=str(path), convention='one_per_task',
        task_metrics=dict(depth=['depth/delta1'], edge2d=['edge2d/error'])))
    metric.process({}, [sample()])
    # depth: (0.5 - 1) / 1 = -50%; edges: -(1 - 0.5) / 0.5 = -100%
    assert metric.evaluate(1)['delta_m'] == pytest.approx(-75.0)


def test_delta_m_needs_a_baseline():
    with pytest.raises(ValueError, match='no default baseline'):
        build(delta_m=dict(task_metrics=dict(depth=['depth/rmse'])))
    with pytest.raises(FileNotFoundError, match='does not exist'):
        build(delta_m=dict(baseline='nowhere.json',
                           task_metrics=dict(depth=['depth/rmse'])))


def test_task_error_metric_checks_its_term():
    with pytest.raises(KeyError, match="not 'loss_l2'"):
        METRICS.build(dict(type='TaskErrorMetric', task='edge2d',
                           loss=dict(type='L1StdLoss'), term='loss_l2'))
    with pytest.raises(ValueError, match='segmentation task'):
        METRICS.build(dict(type='TaskErrorMetric', task='seg',
                           loss=dict(type='SegRangeCELoss'),
                           term='loss_ce'))
