"""The generic multi-task base: targets, loss keys, predictions, padding."""
import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample
from torch import nn

from mtlw.models import (DenseTask, MultiTaskDataPreprocessor,
                         MultiTaskDensePredictor)
from mtlw.models.utils import resize
from mtlw.registry import MODELS
from mtlw.structures import task_fields
from tests._fixtures.pixelwise_fixtures import fake_samples

TASKS = dict(
    depth=dict(channels=1, loss=dict(type='DepthLogL1Loss'),
               value_range=(0.5, 10.0)),
    normal=dict(channels=3, loss=dict(type='NormalCosineLoss')),
    seg=dict(channels=4, loss=dict(type='SegRangeCELoss')),
    edge=dict(channels=2, loss=dict(type='L1StdLoss')))
CHANNELS = {name: spec['channels'] for name, spec in TASKS.items()}


class ConstantNet(MultiTaskDensePredictor):
    """Outputs fixed maps at half resolution (or whatever ``outputs`` is)."""

    def __init__(self, tasks, width=3, **kwargs):
        super().__init__(tasks, **kwargs)
        self.backbone = nn.Conv2d(3, width, 1)
        self.outputs = None

    def forward_tasks(self, inputs):
        if self.outputs is not None:
            return self.outputs
        total = sum(task.channels for task in self.tasks.values())
        base = self.backbone(inputs)[:, :1].mean() * 0
        height, width = inputs.shape[-2] // 2, inputs.shape[-1] // 2
        maps = torch.arange(total, dtype=torch.float32).view(1, -1, 1, 1)
        return self.split_tasks(
            maps.expand(len(inputs), total, height, width) + base)


def test_task_fields_and_default_kinds():
    assert task_fields('seg', 'seg') == ('gt_sem_seg', 'pred_sem_seg')
    assert task_fields('depth', 'depth') == ('gt_depth_map', 'pred_depth_map')
    assert task_fields('edge2d', 'dense') == ('gt_edge2d_map',
                                              'pred_edge2d_map')
    task = DenseTask('curvature', 2, dict(type='L1StdLoss'))
    assert (task.kind, task.gt_field) == ('dense', 'gt_curvature_map')
    with pytest.raises(ValueError, match="kind must be one of"):
        task_fields('x', 'mask')
    with pytest.raises(ValueError, match="without '.'"):
        DenseTask('a.b', 1, dict(type='L1StdLoss'))


def test_loss_keys_are_prefixed_and_read_the_right_targets():
    model = ConstantNet(tasks=TASKS)
    samples = fake_samples(CHANNELS, 2, 8, 6)
    losses = model.loss(torch.zeros(2, 3, 8, 6), samples)
    assert list(losses) == [
        'depth.loss_log_l1', 'depth.loss_range_min', 'depth.loss_range_max',
        'normal.loss_cos', 'normal.loss_unit', 'seg.loss_ce',
        'seg.loss_range', 'edge.loss_l1', 'edge.loss_std']
    # the edge maps are the constants 8 and 9 (channels after 1 + 3 + 4);
    # the ground truth is in [1, 2): the L1 term is sum_c |pred_c - gt_c|
    gt = torch.stack([s.gt_edge_map.data for s in samples])
    expected = (torch.tensor([8.0, 9.0]).view(1, 2, 1, 1) - gt).abs()
    assert losses['edge.loss_l1'].item() == pytest.approx(
        expected.sum(1).mean().item(), rel=1e-6)


def test_shared_names_a_layer_the_subclass_builds():
    model = ConstantNet(tasks=TASKS, weighter=dict(type='MGDA'),
                        shared='backbone')
    model(torch.zeros(1, 3, 4, 4), fake_samples(CHANNELS, 1, 4, 4), 'loss')
    assert model.weighter.shared_module is model.backbone
    with pytest.raises(ValueError, match='shared'):
        ConstantNet(tasks=TASKS, weighter=dict(type='MGDA'))


def test_missing_ground_truth_and_outputs_fail_clearly():
    model = ConstantNet(tasks=TASKS)
    samples = fake_samples(CHANNELS, 2, 8, 6)
    del samples[1].gt_normal_map
    with pytest.raises(KeyError, match="'gt_normal_map' but data sample 1"):
        model.loss(torch.zeros(2, 3, 8, 6), samples)
    model.outputs = dict(depth=torch.zeros(1, 1, 4, 3))
    with pytest.raises(KeyError, match=r"no output for the tasks \['normal'"):
        model.loss(torch.zeros(1, 3, 8, 6), samples[:1])
    with pytest.raises(ValueError, match=r'needs \(B, 10, H, W\)'):
        model.split_tasks(torch.zeros(1, 9, 2, 2))


def test_predictions_are_cropped_resized_and_post_processed():
    model = ConstantNet(tasks=TASKS)
    model.outputs = dict(
        depth=torch.tensor([[[[0.1, 20.0], [3.0, 5.0]]]]),
        normal=torch.tensor([3.0, 0.0, 4.0]).view(1, 3, 1, 1).expand(
            1, 3, 2, 2),
        seg=torch.tensor([0.0, 2.0, 1.0, 0.5]).view(1, 4, 1, 1).expand(
            1, 4, 2, 2),
        edge=torch.ones(1, 2, 2, 2))
    # the input is 2 x 2; the image filled its top-left pixel only and was
    # stored at 3 x 5 before resizing
    sample = SegDataSample(metainfo=dict(img_shape=(1, 1),
                                         ori_shape=(3, 5)))
    [out] = model.predict(torch.zeros(1, 3, 2, 2), [sample])
    depth = out.pred_depth_map.data
    assert depth.shape == (1, 3, 5)
    assert torch.all(depth == 0.5)  # 0.1 clamped to the value range
    normal = out.pred_normal_map.data
    assert torch.allclose(normal[:, 0, 0], torch.tensor([0.6, 0.0, 0.8]))
    assert torch.all(out.pred_sem_seg.data == 1)
    assert out.seg_logits.data.shape == (4, 3, 5)
    assert out.pred_edge_map.data.shape == (2, 3, 5)


def test_preprocessor_pads_maps_with_their_invalid_values():
    preprocessor = MultiTaskDataPreprocessor(pad_size_divisor=4)
    samples = fake_samples(dict(depth=1, seg=3, normal=3), 1, 3, 5)
    samples[0].gt_depth_map = PixelData(data=torch.ones(1, 3, 5))
    samples[0].gt_sem_seg = PixelData(data=torch.zeros(1, 3, 5).long())
    data = preprocessor(dict(inputs=[torch.ones(3, 3, 5)],
                             data_samples=samples), training=True)
    assert data['inputs'].shape == (1, 3, 4, 8)
    sample = data['data_samples'][0]
    assert sample.metainfo['img_shape'] == (3, 5)
    assert sample.metainfo['pad_shape'] == (4, 8)
    depth = sample.gt_depth_map.data
    assert depth.shape == (1, 4, 8) and depth[0, :3, :5].eq(1).all()
    assert depth[0, 3].eq(0).all() and depth[0, :, 5:].eq(0).all()
    assert sample.gt_sem_seg.data[0, 3].eq(255).all()
    assert sample.gt_normal_map.data[:, 3].eq(0).all()


def test_registered_subclass_builds_from_a_config():
    MODELS.register_module(module=ConstantNet, force=True)
    model = MODELS.build(dict(type='ConstantNet', tasks=TASKS, width=5))
    assert model.backbone.out_channels == 5
    assert isinstance(model.data_preprocessor, MultiTaskDataPreprocessor)


class DeeplySupervisedNet(ConstantNet):
    """ConstantNet plus auxiliary maps: ``half`` (depth, quarter size) and
    ``aux`` (the auxiliary-only edge task)."""

    def forward_supervised(self, inputs):
        maps = self.forward_tasks(inputs)
        return maps, dict(
            half=dict(depth=maps['depth'][..., ::2, ::2] * 2),
            aux=dict(edge=torch.full_like(maps['seg'][:, :2], 3.0)))


def test_auxiliary_maps_are_supervised_under_suffixed_keys():
    tasks = {name: TASKS[name] for name in ('depth', 'normal', 'seg')}
    model = DeeplySupervisedNet(tasks=tasks,
                                auxiliary_tasks=dict(edge=TASKS['edge']),
                                partial_labels=True)
    inputs = torch.zeros(2, 3, 8, 6)
    samples = fake_samples(CHANNELS, 2, 8, 6)
    losses = model.loss(inputs, samples)
    assert list(losses)[-4:] == [
        'depth.labelled', 'normal.labelled', 'seg.labelled', 'edge.labelled']
    assert [key for key in losses if key.endswith(('_half', '_aux'))] == [
        'depth.loss_log_l1_half', 'depth.loss_range_min_half',
        'depth.loss_range_max_half', 'edge.loss_l1_aux', 'edge.loss_std_aux']
    # each auxiliary map is resized to the input and scored by its task
    maps, auxiliary = model.forward_supervised(inputs)
    depth = model.tasks['depth'].losses(
        resize(auxiliary['half']['depth'], (8, 6)), samples)
    assert torch.equal(losses['depth.loss_log_l1_half'],
                       depth['depth.loss_log_l1'])
    gt = torch.stack([s.gt_edge_map.data for s in samples])
    assert losses['edge.loss_l1_aux'].item() == pytest.approx(
        (3.0 - gt).abs().sum(1).mean().item(), rel=1e-6)
    # predictions hold the tasks only
    [out] = model.predict(inputs[:1], samples[:1])
    assert 'pred_depth_map' in out and 'pred_edge_map' not in out


def test_auxiliary_tasks_and_outputs_fail_clearly():
    with pytest.raises(ValueError, match=r"must differ from the tasks, got "
                                         r"\['seg'\]"):
        ConstantNet(tasks=TASKS, auxiliary_tasks=dict(seg=TASKS['seg']))
    model = DeeplySupervisedNet(tasks={'depth': TASKS['depth'],
                                       'normal': TASKS['normal'],
                                       'seg': TASKS['seg']})
    samples = fake_samples(CHANNELS, 1, 8, 6)
    with pytest.raises(KeyError, match="'edge' is neither a task"):
        model.loss(torch.zeros(1, 3, 8, 6), samples)
    with pytest.raises(ValueError, match="suffix must be letters"):
        model.auxiliary_losses('s1/4', {}, torch.zeros(1, 3, 8, 6), samples)
