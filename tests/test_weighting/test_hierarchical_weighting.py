import numpy as np
import pytest
import torch

from mtlw.registry import WEIGHTERS
from mtlw.weighting import CoVWeighting, DWA, HierarchicalWeighting

DEPTH = [f'depth.loss_{term}_s{s}_{side}'
         for term in ('l1', 'ssim', 'lr', 'smooth') for s in range(4)
         for side in 'lr']
NAMES = DEPTH + ['seg.loss_ce', 'seg.loss_aux']
GROUPS = dict(depth=r'^depth\.', seg=r'^seg\.')


def rows(num_steps, seed=0):
    rng = np.random.RandomState(seed)
    return 0.2 + rng.rand(num_steps, len(NAMES))


def test_cov_within_depth_dwa_across_tasks(feed_rows):
    weighter = HierarchicalWeighting(GROUPS, inner=dict(type='CoVWeighting'),
                                     outer=dict(type='DWA', period=2))
    data = rows(7)
    totals, weights = feed_rows(weighter, data, NAMES)
    # The same rules run standalone on the groups.
    _, depth_w = feed_rows(CoVWeighting(), data[:, :32], DEPTH)
    _, seg_w = feed_rows(CoVWeighting(), data[:, 32:], NAMES[32:])
    group_obs = np.stack([(depth_w * data[:, :32]).sum(1),
                          (seg_w * data[:, 32:]).sum(1)], axis=1)
    group_totals, task_w = feed_rows(DWA(period=2), group_obs,
                                     ('depth', 'seg'))
    expected = np.concatenate([task_w[:, :1] * depth_w,
                               task_w[:, 1:] * seg_w], axis=1)
    np.testing.assert_allclose(weights, expected, rtol=1e-5)
    np.testing.assert_allclose(totals, group_totals, rtol=1e-5)
    assert np.abs(task_w[-1] - 1).max() > 1e-3  # DWA is past its start
    assert [int(child.step) for child in weighter.inner.values()] == [7, 7]
    assert int(weighter.outer.step) == 7


def test_loss_order_is_kept_and_inner_per_group(feed_rows):
    names = ('seg.loss_ce', 'depth.loss_a', 'seg.loss_aux', 'depth.loss_b')
    weighter = HierarchicalWeighting(
        [('depth', r'^depth\.'), ('seg', r'^seg\.')],
        inner=dict(depth=dict(type='StaticWeighting',
                              weights={'depth.loss_a': 1.0,
                                       'depth.loss_b': 2.0}),
                   seg=dict(type='StaticWeighting', normalize=True)),
        outer=dict(type='StaticWeighting',
                   weights=dict(depth=0.5, seg=3.0)))
    totals, weights = feed_rows(weighter, [[1.0, 2.0, 3.0, 4.0]], names)
    np.testing.assert_allclose(weights[0], [1.5, 0.5, 1.5, 1.0])
    assert totals[0] == pytest.approx(0.5 * (2 + 8) + 3.0 * (1 + 3) / 2)


def test_children_state_in_state_dict(feed_rows):
    weighter = HierarchicalWeighting(GROUPS, inner=dict(type='CoVWeighting'),
                                     outer=dict(type='DWA', period=2))
    feed_rows(weighter, rows(3), NAMES)
    keys = weighter.state_dict().keys()
    assert 'inner.depth.ratio_mean' in keys and 'outer.last_means' in keys


def test_bind_runtime_reaches_children(feed_rows):
    weighter = HierarchicalWeighting(GROUPS, inner=dict(type='DWA'),
                                     outer=dict(type='DWA'))
    weighter.bind_runtime(iters_per_epoch=2)
    feed_rows(weighter, rows(4), NAMES)
    assert [int(c.periods_done) for c in weighter._children()] == [2, 2, 2]


@pytest.mark.parametrize('groups, match', [
    (dict(depth=r'^depth\.'), r"unmatched \['seg.loss_ce', 'seg.loss_aux'\]"),
    (dict(depth=r'^depth\.', seg=r'seg', any=r'_ce'),
     r"several groups \{'seg.loss_ce': \['seg', 'any'\]\}"),
    (dict(depth=r'^depth\.', seg=r'^seg\.', normal=r'^normal\.'),
     r"no loss \['normal'\]"),
])
def test_grouping_errors(make_losses, groups, match):
    weighter = HierarchicalWeighting(groups, inner=dict(type='GLS'),
                                     outer=dict(type='GLS'))
    with pytest.raises(KeyError, match=match):
        weighter(make_losses([1.0] * len(NAMES), NAMES))


def test_bad_configs():
    with pytest.raises(KeyError, match=r"configs for \['depth'\]"):
        HierarchicalWeighting(GROUPS, inner=dict(depth=dict(type='GLS')),
                              outer=dict(type='GLS'))
    with pytest.raises(ValueError, match='without'):
        HierarchicalWeighting({'a.b': 'x'}, inner=dict(type='GLS'),
                              outer=dict(type='GLS'))
    with pytest.raises(ValueError, match=r"within the groups, got the "
                       r"gradient-based \['MGDA'\]"):
        HierarchicalWeighting(GROUPS, inner=dict(type='MGDA'),
                              outer=dict(type='GLS'))


def test_a_gradient_rule_weighs_the_groups():
    weighter = HierarchicalWeighting(GROUPS, inner=dict(type='GLS'),
                                     outer=dict(type='MGDA'))
    assert weighter.needs_shared and weighter.outer.needs_shared
    shared = torch.nn.Linear(2, 2)
    weighter.attach(shared, 'shared')
    assert weighter.outer.shared_module is shared


def test_built_from_registry():
    weighter = WEIGHTERS.build(dict(
        type='HierarchicalWeighting', groups=GROUPS,
        inner=dict(type='CoVWeighting'), outer=dict(type='DWA', period=1)))
    assert isinstance(weighter.outer, DWA)
    total, _ = weighter({n: torch.tensor(1.0) for n in NAMES})
    assert torch.isfinite(total)


@pytest.mark.parametrize('mode', ['params', 'representation'])
def test_gradient_outer_rule_runs_each_group_through_its_own_heads(mode):
    """The outer rule differentiates each group from that group's own terms,
    and the single backward reuses those gradients: a head is traversed once
    per step, by its own group's gradient, not once per group."""
    torch.manual_seed(0)
    trunk = torch.nn.Linear(4, 3)
    heads = torch.nn.ModuleList(torch.nn.Linear(3, 1) for _ in range(3))
    calls = [0, 0, 0]

    def counted(index, out):
        def count(grad):
            calls[index] += 1
        out.register_hook(count)
        return out

    weighter = HierarchicalWeighting(
        groups={f't{i}': f'^t{i}\\.' for i in range(3)},
        inner=dict(type='StaticWeighting'),
        outer=dict(type='MGDA', mode=mode))
    weighter.attach(trunk)
    z = trunk(torch.randn(5, 4))
    losses = {}
    for i, head in enumerate(heads):
        out = counted(i, head(z))
        losses[f't{i}.a'] = out.pow(2).mean()
        losses[f't{i}.b'] = out.abs().mean()
    total, _ = weighter(losses)
    total.backward()
    assert calls == [1, 1, 1]
