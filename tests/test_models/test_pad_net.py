"""PAD-Net: auxiliary tasks, distillation forms, parameter count,
gradients, training."""
import os.path as osp
import re

import pytest
import torch
from mmengine.config import Config

from mtlw.models import CrossTaskDistillation, PADNet
from mtlw.registry import MODELS
from tests._fixtures.layer_counts import bottleneck, conv, gated_distillation
from tests._fixtures.pixelwise_fixtures import fake_samples
from tests._fixtures.twin_training import ROOT, two_steps
from tests.test_models.test_mti_net import (CHANNELS, HRNET_W18, TASKS,
                                            TINY_BACKBONE, TINY_CHANNELS,
                                            count)

DEPTH_SEG = {name: TASKS[name] for name in ('depth', 'seg')}


def build(tasks=TASKS, **kwargs):
    torch.manual_seed(0)
    return MODELS.build(dict(type='PADNet', tasks=tasks,
                             backbone=TINY_BACKBONE,
                             in_channels=TINY_CHANNELS, channels=16,
                             **kwargs))


def test_auxiliary_task_is_supervised_but_not_predicted():
    model = build(DEPTH_SEG, auxiliary_tasks=dict(normal=TASKS['normal']))
    inputs = torch.rand(2, 3, 32, 64)
    maps = model(inputs, mode='tensor')
    assert {k: tuple(v.shape) for k, v in maps.items()} == {
        'depth': (2, 1, 32, 64), 'seg': (2, 6, 32, 64)}
    samples = fake_samples(CHANNELS, 2, 32, 64)
    losses = model.loss(inputs, samples)
    assert [key for key in losses if key.startswith('normal.')] == [
        'normal.loss_cos_initial', 'normal.loss_unit_initial']
    assert 'depth.loss_log_l1' in losses and 'seg.loss_ce_initial' in losses
    # the normals send messages to both tasks, receive none
    assert sorted(model.distillation.messages) == [
        'depth_to_seg', 'normal_to_depth', 'normal_to_seg', 'seg_to_depth']
    predicted = model.predict(inputs, samples)[0]
    assert 'pred_depth_map' in predicted and 'pred_normal_map' not in predicted


def test_every_parameter_gets_a_gradient():
    model = build(distillation=dict(attention='source', bias=False))
    inputs = torch.rand(2, 3, 32, 64)
    losses = model.loss(inputs, fake_samples(CHANNELS, 2, 32, 64))
    sum(losses.values()).backward()
    dead = [name for name, p in model.named_parameters()
            if p.grad is None or not p.grad.abs().sum() > 0]
    assert dead == []


def test_final_depth_loss_reaches_the_seg_features_through_distillation():
    model = build(DEPTH_SEG)
    inputs = torch.rand(1, 3, 32, 64)
    model.loss(inputs, fake_samples(CHANNELS, 1, 32, 64))[
        'depth.loss_log_l1'].backward()
    assert model.initial.predictions['seg'].weight.grad is None
    assert model.initial.refinement['seg'][0].conv1.weight.grad.abs().sum(
    ) > 0


def test_source_attention_formula_by_hand():
    unit = CrossTaskDistillation(['seg', 'depth'], 1, ['seg', 'depth', 'sn'],
                                 attention='source', bias=False)
    assert sorted(unit.gates) == sorted(unit.messages) == [
        'depth_to_seg', 'seg_to_depth', 'sn_to_depth', 'sn_to_seg']
    with torch.no_grad():
        for conv3x3 in [*unit.gates.values(), *unit.messages.values()]:
            conv3x3.weight.zero_()
        unit.gates['depth_to_seg'].weight[0, 0, 1, 1] = 1.0  # G = s(F_d)
        unit.messages['depth_to_seg'].weight[0, 0, 1, 1] = 2.0
        unit.gates['sn_to_seg'].weight[0, 0, 1, 1] = -1.0  # G = s(-F_sn)
        unit.messages['sn_to_seg'].weight[0, 0, 1, 1] = 1.0
    seg, depth, sn = (torch.rand(1, 1, 3, 3) for _ in range(3))
    fused = unit(dict(seg=seg, depth=depth, sn=sn))
    expected = (seg + torch.sigmoid(depth) * 2 * depth
                + torch.sigmoid(-sn) * sn)
    assert torch.allclose(fused['seg'], expected)
    assert torch.allclose(fused['depth'], depth)  # zero messages
    assert set(fused) == {'seg', 'depth'}
    with pytest.raises(ValueError, match='attention must be one of'):
        CrossTaskDistillation(['a', 'b'], 1, attention='both')


def test_gates_are_in_range():
    model = build()
    features = {name: 10 * torch.randn(1, 16, 4, 4) for name in TASKS}
    gate = model.distillation.gate('depth', 'seg', features)
    assert 0 <= gate.min() and gate.max() <= 1
    assert torch.equal(gate, model.distillation.gate('normal', 'seg',
                                                     features))


def pad_net_reference(backbone: int, width: int, channels: int, tasks,
                      auxiliary) -> int:
    """Vandenhende et al.'s PAD-Net from its layer sizes: two bottlenecks
    and a 1x1 conv per task (auxiliary ones included), distillation with a
    gate per pair (no bias), two bottlenecks and a 1x1 conv per task."""
    everyone = {**tasks, **auxiliary}
    initial = sum(bottleneck(width, channels) + bottleneck(channels, channels)
                  + conv(channels, out) for out in everyone.values())
    final = sum(2 * bottleneck(channels, channels) + conv(channels, out)
                for out in tasks.values())
    return backbone + initial + final + gated_distillation(
        channels, list(tasks), list(everyone), per_pair_gate=True,
        bias=False)


def test_parameter_count_of_the_nyud_setting():
    """NYUD-v2 as in Vandenhende's code: semantics (40) and depth, normals
    and edges as auxiliary tasks; HRNet-W18 maps concatenated (270)."""
    tasks = dict(semseg=dict(channels=40, loss=dict(type='SegRangeCELoss')),
                 depth=dict(channels=1, loss=dict(type='DepthLogL1Loss')))
    auxiliary = dict(
        normals=dict(channels=3, loss=dict(type='NormalCosineLoss')),
        edge=dict(channels=1, loss=dict(type='L1StdLoss')))
    model = PADNet(tasks=tasks, backbone=HRNET_W18, auxiliary_tasks=auxiliary,
                   distillation=dict(attention='source', bias=False))
    assert count(model) == pad_net_reference(
        9_562_260, 270, 256, {k: v['channels'] for k, v in tasks.items()},
        {k: v['channels'] for k, v in auxiliary.items()})


def test_a_single_last_map_backbone():
    backbone = dict(type='mmpretrain.TIMMBackbone',
                    model_name='mobilenetv2_050', features_only=True,
                    pretrained=False, out_indices=(4, ))
    model = PADNet(tasks=DEPTH_SEG, backbone=backbone, channels=16)
    assert model.initial.refinement['seg'][0].conv1.in_channels == 160
    maps = model(torch.rand(1, 3, 64, 64), mode='tensor')
    assert maps['seg'].shape == (1, 6, 64, 64)


@pytest.mark.parametrize('family', ['mti_net', 'pad_net'])
def test_hand_tuned_twin_weighs_exactly_the_terms_the_net_returns(family):
    cfg = Config.fromfile(osp.join(ROOT, 'configs', family,
                                   f'synthscenes_{family}_handtuned.py'))
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    losses = model.loss(torch.rand(1, 3, 32, 64),
                        fake_samples(CHANNELS, 1, 32, 64))
    # The twins weigh tasks: every term falls in its task's group, and the
    # hand-tuned weights name exactly those tasks.
    weighter = cfg.model.weighter
    assert set(weighter.outer.weights) == set(CHANNELS)
    for key in losses:
        matching = [task for task, pattern in weighter.groups.items()
                    if re.match(pattern, key)]
        assert matching == [key.split('.')[0]], key


@pytest.mark.slow
@pytest.mark.parametrize('weighter', [
    None,  # the config's MGDA in representation mode
    dict(type='CoVWeighting'),
    dict(type='MGDA', mode='params'),
    dict(type='PCGrad', mode='params'),
])
def test_two_training_steps_of_the_twin(weighter):
    two_steps('pad_net/synthscenes_pad_net_mgda.py', weighter)
