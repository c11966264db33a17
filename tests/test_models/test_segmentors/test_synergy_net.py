"""The synergy network, its lateral sharing units and branch-out variants."""
from functools import partial

import pytest
import torch

from mtlw.models import LateralSharingUnit
from mtlw.registry import MODELS
from tests._fixtures.depth_seg_fixtures import depth_seg_batch

TASKS = dict(
    depth=dict(channels=1, loss=dict(type='CombinedLoss', losses=[
        dict(type='DepthAwareLoss'), dict(type='JointGradientLoss')])),
    seg=dict(channels=4, loss=dict(type='SoftmaxFocalLoss')))
BACKBONE = dict(type='mmpretrain.TIMMBackbone', model_name='resnet18',
                features_only=True, pretrained=False, out_indices=(4, ))
CHANNELS = (16, 12, 8, 8, 4)


def build(**kwargs):
    torch.manual_seed(0)
    config = dict(type='SynergyNet', tasks=TASKS, backbone=BACKBONE,
                  channels=CHANNELS)
    return MODELS.build(dict(config, **kwargs))


batch = partial(depth_seg_batch, height=64, width=64)


def test_lateral_unit_formula_by_hand():
    unit = LateralSharingUnit(2)
    with torch.no_grad():
        unit.phi.copy_(torch.tensor([[0.5, -0.25], [0.125, 0.0]]))
    depth, sem = torch.rand(1, 3, 2, 2), torch.rand(1, 3, 2, 2)
    new_depth, new_sem = unit([depth, sem])
    # (1 + phi_D) up_dep + phi_S up_sem; (1 + gamma_S) up_sem + gamma_D up_dep
    assert torch.allclose(new_depth, 1.5 * depth - 0.25 * sem)
    assert torch.allclose(new_sem, sem + 0.125 * depth)
    assert LateralSharingUnit(2)([depth, sem])[0].equal(depth)  # identity
    with pytest.raises(ValueError, match='joins 2 branches, got 3'):
        unit([depth, sem, sem])
    with pytest.raises(ValueError, match='two or more'):
        LateralSharingUnit(1)


def test_synergy_net_layers_follow_table_3():
    model = build()
    depth = model.branches['depth']
    assert model.conv2.conv.out_channels == CHANNELS[0]
    assert [up[1].conv.out_channels for up in depth.ups] == list(CHANNELS[1:])
    assert [skip.conv.in_channels for skip in depth.skips] == \
        list(CHANNELS[:-1])  # conv2 and the first three up-convs
    assert depth.out.out_channels == 1
    assert model.branches['seg'].out.out_channels == 4
    assert sorted(model.laterals) == ['1', '2', '3']


@pytest.mark.parametrize('split', [0, 1, 2, 3, 4, 5])
def test_branch_out_variants_shapes_and_gradients(split):
    model = build(split=split, lateral=split == 0)
    inputs, data = batch()
    maps = model(inputs, mode='tensor')
    assert maps['depth'].shape == (2, 1, 64, 64)
    assert maps['seg'].shape == (2, 4, 64, 64)
    losses = model.loss(inputs, data)
    assert list(losses) == ['depth.loss_da', 'depth.loss_jg',
                            'seg.loss_focal']
    sum(losses.values()).backward()
    unused = [name for name, p in model.named_parameters() if p.grad is None]
    assert unused == []
    assert len(model.shared_ups) == min(split, 4)
    if 0 < split < 5:
        assert len(model.branches['depth'].ups) == 4 - split
    assert (model.shared_head is not None) == (split == 5)


def test_lateral_units_sit_between_separate_branches_only():
    assert sorted(build(split=2, lateral=True).laterals) == ['3']
    assert len(build(split=0, lateral=False).laterals) == 0
    with pytest.raises(ValueError, match='split must be in 0..5'):
        build(split=6)
    with pytest.raises(ValueError, match='5 widths'):
        build(channels=(8, 8))


def test_lateral_scalars_learn_from_both_tasks():
    model = build()
    inputs, data = batch()
    model.loss(inputs, data)['seg.loss_focal'].backward()
    # the seg loss reaches the depth -> seg entry of every unit
    for unit in model.laterals.values():
        assert unit.phi.grad[1, 0] != 0
        assert unit.phi.grad[0].abs().sum() == 0  # depth rows: no seg loss
