"""MTI-Net: shapes, loss keys, parameter counts, gradients, attention."""
import os.path as osp

import pytest
import timm
import torch
from mmengine.config import Config

from mtlw.models import FeaturePropagation, MTINet
from mtlw.models.decode_heads import MultiScaleHead
from mtlw.registry import MODELS
from tests._fixtures.layer_counts import (basic_block, conv,
                                          gated_distillation, hrnet_head)
from tests._fixtures.pixelwise_fixtures import fake_samples
from tests._fixtures.twin_training import ROOT, two_steps

TINY = Config.fromfile(
    osp.join(ROOT, 'configs', '_base_', 'models', 'hrnet_tiny.py'))
TINY_BACKBONE = {k: v for k, v in TINY.hrnet_tiny.items() if k != '_delete_'}
TINY_CHANNELS = TINY.hrnet_tiny_channels
TASKS = dict(
    depth=dict(channels=1, loss=dict(type='DepthLogL1Loss')),
    normal=dict(channels=3, loss=dict(type='NormalCosineLoss')),
    seg=dict(channels=6, loss=dict(type='SegRangeCELoss')))
CHANNELS = {name: task['channels'] for name, task in TASKS.items()}
HRNET_W18 = dict(type='mmpretrain.TIMMBackbone', model_name='hrnet_w18',
                 features_only=True, feature_location='', pretrained=False,
                 out_indices=(1, 2, 3, 4))
TERMS = ['depth.loss_log_l1', 'depth.loss_range_min', 'depth.loss_range_max',
         'normal.loss_cos', 'normal.loss_unit', 'seg.loss_ce',
         'seg.loss_range']


def build(**kwargs):
    torch.manual_seed(0)
    return MODELS.build(dict(type='MTINet', tasks=TASKS,
                             backbone=TINY_BACKBONE,
                             in_channels=TINY_CHANNELS, **kwargs))


def count(module):
    return sum(p.numel() for p in module.parameters())


def test_outputs_and_deep_supervision_keys():
    model = build()
    inputs = torch.rand(2, 3, 64, 96)
    maps = model(inputs, mode='tensor')
    assert {name: tuple(value.shape) for name, value in maps.items()} == {
        name: (2, channels, 64, 96) for name, channels in CHANNELS.items()}
    finals, initial = model.forward_supervised(inputs)
    assert list(initial) == ['s1_4', 's1_8', 's1_16', 's1_32']
    for stride, predictions in zip((4, 8, 16, 32), initial.values()):
        assert predictions['seg'].shape == (2, 6, 64 // stride, 96 // stride)
    assert finals['depth'].shape[-2:] == (16, 24)  # stride 4, then resized
    losses = model.loss(inputs, fake_samples(CHANNELS, 2, 64, 96))
    assert list(losses) == TERMS + [
        f'{term}_s1_{stride}' for stride in (4, 8, 16, 32) for term in TERMS]


def test_every_parameter_gets_a_gradient():
    model = build()
    # A squeeze-and-excitation of 16 channels has one hidden ReLU unit,
    # dead or alive by the draw of its weights; alive, it must learn.
    with torch.no_grad():
        for fpm in model.propagation:
            for excitation in fpm.excitations.values():
                excitation.squeeze[0].bias.fill_(1.0)
    inputs = torch.rand(2, 3, 64, 96)
    losses = model.loss(inputs, fake_samples(CHANNELS, 2, 64, 96))
    sum(losses.values()).backward()
    dead = [name for name, p in model.named_parameters()
            if p.grad is None or not p.grad.abs().sum() > 0]
    assert dead == []


def test_coarsest_scale_feeds_the_finer_ones_through_propagation():
    model = build()
    inputs = torch.rand(1, 3, 64, 96)
    _, initial = model.forward_supervised(inputs)
    initial['s1_4']['seg'].sum().backward()
    # the stride-32 task features reach the stride-4 prediction via FPMs
    assert model.scales[3].refinement['seg'][0].conv1.weight.grad.abs().sum(
    ) > 0
    assert model.scales[0].refinement['seg'][0].conv1.in_channels == (
        TINY_CHANNELS[0] + TINY_CHANNELS[1])


def test_feature_propagation_attention_is_a_softmax_over_tasks():
    torch.manual_seed(0)
    fpm = FeaturePropagation(['a', 'b', 'c'], channels=4)
    features = {name: torch.randn(2, 4, 5, 6) for name in 'abc'}
    stacked = torch.stack([features[name] for name in 'abc'], dim=1)
    attention = fpm.task_attention(stacked)
    assert attention.shape == (2, 3, 4, 5, 6)
    assert attention.min() >= 0 and attention.max() <= 1
    assert torch.allclose(attention.sum(dim=1), torch.ones(2, 4, 5, 6))
    # F_t' - F_t is SE_t(S): the same shared map, gated per channel only
    out = fpm(features)
    shared = fpm.reduction((attention * stacked).flatten(1, 2))
    assert torch.allclose(out['b'] - features['b'],
                          fpm.excitations['b'](shared), atol=1e-6)
    with pytest.raises(ValueError, match='divisible by 4'):
        FeaturePropagation(['a'], channels=3)


def test_distillation_gates_are_in_range():
    model = build()
    features = {name: torch.randn(1, TINY_CHANNELS[0], 4, 4)
                for name in TASKS}
    for source in TASKS:
        for target in TASKS:
            if source != target:
                gate = model.distillation[0].gate(source, target, features)
                assert 0 < gate.min() and gate.max() < 1


def mti_net_reference(backbone: int, channels, tasks, auxiliary) -> int:
    """Vandenhende et al.'s MTI-Net from its layer sizes: initial
    predictions (two basic blocks + 1x1 conv per task and scale), an FPM per
    scale but the finest, a distillation per scale, an HRNet head per
    task."""
    everyone = {**tasks, **auxiliary}
    total = backbone
    for index, width in enumerate(channels):
        coarser = channels[index + 1] if index + 1 < len(channels) else 0
        for out in everyone.values():
            total += (basic_block(width + coarser, width)
                      + basic_block(width, width) + conv(width, out))
        total += gated_distillation(width, list(tasks), list(everyone),
                                    per_pair_gate=True, bias=False)
    for width in channels[1:]:
        shared, hidden = len(everyone) * width, max(1, width // 16)
        total += (basic_block(shared, shared // 4)
                  + basic_block(shared // 4, shared // 4)
                  + conv(shared // 4, shared) + basic_block(shared, width)
                  + len(everyone) * (conv(width, hidden)
                                     + conv(hidden, width)))
    return total + sum(hrnet_head(channels, out) for out in tasks.values())


def test_parameter_count_of_the_nyud_setting():
    """NYUD-v2 as in Vandenhende's code: semantics (40) and depth as tasks,
    normals and edges as auxiliary tasks, HRNet-W18."""
    tasks = dict(semseg=dict(channels=40, loss=dict(type='SegRangeCELoss')),
                 depth=dict(channels=1, loss=dict(type='DepthLogL1Loss')))
    auxiliary = dict(
        normals=dict(channels=3, loss=dict(type='NormalCosineLoss')),
        edge=dict(channels=1, loss=dict(type='L1StdLoss')))
    model = MTINet(tasks=tasks, backbone=HRNET_W18,
                   auxiliary_tasks=auxiliary)
    backbone = count(model.backbone)
    assert backbone == 9_562_260  # see test_hrnet_w18_backbone_count
    expected = mti_net_reference(
        backbone, (18, 36, 72, 144), {k: v['channels'] for k, v in
                                      tasks.items()},
        {k: v['channels'] for k, v in auxiliary.items()})
    assert count(model) == expected
    assert list(model.heads) == ['semseg', 'depth']  # no auxiliary heads


def test_hrnet_w18_backbone_count():
    """HRNetV2-W18 without its classification head: timm, mmseg and
    mmpretrain build the same 9,562,260 parameters (Wang et al., "Deep
    High-Resolution Representation Learning for Visual Recognition", TPAMI
    2020)."""
    stage = dict(block='BASIC', num_modules=1)
    mmseg_w18 = MODELS.build(dict(type='mmseg.HRNet', extra=dict(
        stage1=dict(num_modules=1, num_branches=1, block='BOTTLENECK',
                    num_blocks=(4, ), num_channels=(64, )),
        stage2=dict(stage, num_branches=2, num_blocks=(4, ) * 2,
                    num_channels=(18, 36)),
        stage3=dict(stage, num_modules=4, num_branches=3,
                    num_blocks=(4, ) * 3, num_channels=(18, 36, 72)),
        stage4=dict(stage, num_modules=3, num_branches=4,
                    num_blocks=(4, ) * 4, num_channels=(18, 36, 72, 144)))))
    timm_w18 = MODELS.build(HRNET_W18)
    mmpretrain_w18 = MODELS.build(dict(type='mmpretrain.HRNet', arch='w18'))
    assert count(timm_w18) == count(mmseg_w18) == count(
        mmpretrain_w18) == 9_562_260
    outputs = timm_w18(torch.rand(1, 3, 64, 64))
    assert [tuple(o.shape[1:]) for o in outputs] == [
        (18, 16, 16), (36, 8, 8), (72, 4, 4), (144, 2, 2)]


@pytest.mark.slow
def test_hrnet_w48_segmentation_model_matches_the_paper():
    """HRNetV2-W48 with its segmentation head for Cityscapes' 19 classes:
    65.9M parameters in Wang et al. (TPAMI 2020, Cityscapes comparison)."""
    backbone = timm.create_model('hrnet_w48', pretrained=False,
                                 features_only=True, feature_location='',
                                 out_indices=(1, 2, 3, 4))
    head = MultiScaleHead(backbone.feature_info.channels(), 19)
    assert count(head) == hrnet_head((48, 96, 192, 384), 19) == 534_259
    assert round((count(backbone) + count(head)) / 1e6, 1) == 65.9


@pytest.mark.slow
@pytest.mark.parametrize('weighter', [
    None,  # the config's MGDA in representation mode
    dict(type='CoVWeighting'),
    dict(type='MGDA', mode='params'),
])
def test_two_training_steps_of_the_twin(weighter):
    """35 loss terms; PCGrad in params mode is tested on PAD-Net."""
    two_steps('mti_net/synthscenes_mti_net_mgda.py', weighter)


@pytest.mark.slow
@pytest.mark.parametrize('family,backbone', [
    ('mti_net', 'hrnet18_mmpretrain'), ('mti_net', 'mobilenetv2'),
    ('pad_net', 'hrnet18_mmpretrain'), ('pad_net', 'mobilenetv2')])
def test_backbone_options_of_the_model_bases(family, backbone):
    cfg = Config.fromfile(osp.join(ROOT, 'configs', '_base_', 'models',
                                   f'{family}_hrnet18.py'))
    cfg.merge_from_dict(dict(model=cfg[backbone]))
    model = MODELS.build(dict(cfg.model, tasks=TASKS))
    maps = model(torch.rand(1, 3, 64, 64), mode='tensor')
    assert maps['seg'].shape == (1, 6, 64, 64)
