"""The sharing structures of the synergy supplement (Fig. 2, Tables 1-2):
shapes, which layers each loss reaches, argument errors."""
from functools import partial

import pytest
import torch

from mtlw.registry import MODELS
from tests._fixtures.depth_seg_fixtures import depth_seg_batch

DEPTH = dict(channels=1, loss=dict(type='DepthAwareLoss'))
SEG = dict(channels=4, loss=dict(type='SoftmaxFocalLoss'))
CHANNELS = (4, 6, 8, 8, 6)


def build(tasks=None, **kwargs):
    torch.manual_seed(0)
    tasks = tasks or dict(depth=DEPTH, seg=SEG)
    return MODELS.build(dict(type='SharingStructureNet', tasks=tasks,
                             channels=CHANNELS, **kwargs))


batch = partial(depth_seg_batch, width=48)


def reached(model, loss, modules):
    """Per module name: whether ``loss`` gives any of its parameters a
    non-zero gradient."""
    model.zero_grad()
    loss.backward(retain_graph=True)
    return {name: any(p.grad is not None and p.grad.abs().sum() > 0
                      for p in model.get_submodule(name).parameters())
            for name in modules}


def convs(module):
    return [m for m in module.modules() if isinstance(m, torch.nn.Conv2d)]


@pytest.mark.parametrize('kwargs, common, column', [
    (dict(structure='branch_out', split=1), 1, 4),
    (dict(structure='branch_out', split=3), 3, 2),
    (dict(structure='branch_out', split=5), 5, 0),
    (dict(structure='merge_in', split=3), 2, 3),
    (dict(structure='cascaded'), 0, 5),
])
def test_every_task_path_has_five_convs(kwargs, common, column):
    model = build(**kwargs)
    assert len(convs(model.common)) == common
    for name in ('depth', 'seg'):
        assert len(convs(model.columns[name])) == column
    inputs, _ = batch()
    outputs = model.forward_outputs(inputs)
    stride = 8  # strides (2, 2, 2, 1, 1)
    assert outputs['depth'].shape == (2, 1, 32 // stride, 48 // stride)
    assert outputs['seg'].shape == (2, 4, 32 // stride, 48 // stride)
    maps = model.task_maps(inputs)
    assert maps['seg'].shape == (2, 4, 32, 48)


def test_merge_in_concatenates_the_columns():
    model = build(structure='merge_in', split=2)
    first = model.common[0].conv
    assert first.in_channels == 2 * CHANNELS[1]
    assert first.out_channels == CHANNELS[2]


def test_single_task_net_and_its_errors():
    model = build(dict(seg=SEG), structure='single')
    assert len(convs(model.common)) == 5 and not model.columns
    assert set(model.heads) == {'seg'}
    inputs, data = batch()
    assert set(model.loss(inputs, data)) == {'seg.loss_focal'}
    with pytest.raises(ValueError, match="structure='single' needs one"):
        build(structure='single')
    with pytest.raises(ValueError, match="'cascaded' needs two or more"):
        build(dict(seg=SEG), structure='cascaded')
    with pytest.raises(ValueError, match='structure must be one of'):
        build(structure='lateral')
    with pytest.raises(ValueError, match=r'split in 1\.\.5, got 0'):
        build(structure='branch_out', split=0)
    with pytest.raises(ValueError, match=r'split in 1\.\.4, got 5'):
        build(structure='merge_in', split=5)
    with pytest.raises(ValueError, match='split is only for'):
        build(structure='cascaded', split=2)
    with pytest.raises(ValueError, match='order must list every task'):
        build(structure='cascaded', order=('depth', 'depth'))
    with pytest.raises(ValueError, match='order is only for cascaded'):
        build(structure='branch_out', split=1, order=('seg', 'depth'))
    with pytest.raises(ValueError, match='5 values each'):
        build(structure='branch_out', split=1, strides=(2, 2))


@pytest.mark.parametrize('order', [('depth', 'seg'), ('seg', 'depth')])
def test_cascade_second_loss_reaches_first_layers_not_back(order):
    first, second = order
    model = build(structure='cascaded', order=order)
    inputs, data = batch()
    losses = model.loss(inputs, data)
    key = dict(depth='depth.loss_da', seg='seg.loss_focal')
    names = [f'columns.{first}', f'columns.{second}', f'heads.{first}',
             f'heads.{second}']
    by_second = reached(model, losses[key[second]], names)
    assert by_second == {names[0]: True, names[1]: True, names[2]: False,
                         names[3]: True}
    by_first = reached(model, losses[key[first]], names)
    assert by_first == {names[0]: True, names[1]: False, names[2]: True,
                        names[3]: False}


def test_merge_in_each_loss_reaches_both_sub_networks():
    model = build(structure='merge_in', split=2)
    inputs, data = batch()
    losses = model.loss(inputs, data)
    names = ['common', 'columns.depth', 'columns.seg', 'heads.seg']
    assert reached(model, losses['depth.loss_da'], names) == {
        'common': True, 'columns.depth': True, 'columns.seg': True,
        'heads.seg': False}
    assert all(reached(model, losses['seg.loss_focal'], names).values())


def test_branch_out_losses_share_the_trunk_only():
    model = build(structure='branch_out', split=2)
    inputs, data = batch()
    losses = model.loss(inputs, data)
    names = ['common', 'columns.depth', 'columns.seg']
    assert reached(model, losses['depth.loss_da'], names) == {
        'common': True, 'columns.depth': True, 'columns.seg': False}
    assert reached(model, losses['seg.loss_focal'], names) == {
        'common': True, 'columns.depth': False, 'columns.seg': True}
