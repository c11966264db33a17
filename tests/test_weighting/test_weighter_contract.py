"""Properties every loss-only weighting rule must have, checked per rule."""
import copy
import re

import numpy as np
import pytest
import torch

from mtlw.registry import WEIGHTERS
from mtlw.weighting import NonFiniteLossError

NAMES = ('a.loss_x', 'a.loss_y', 'b.loss_z')
ROWS = 0.2 + np.random.RandomState(0).rand(10, 3)

#: Arguments a rule needs beyond its defaults, given the loss names.
EXTRA_ARGS = dict(
    UncertaintyWeighting=lambda names: dict(num_losses=len(names)),
    DWA=lambda names: dict(period=2),
    LossScaleBalancing=lambda names: dict(period=2, beta_rate=0.5),
    STCH=lambda names: dict(period=2, warmup_epochs=1),
    HierarchicalWeighting=lambda names: dict(
        groups={p: '^' + re.escape(p) + r'\.'
                for p in dict.fromkeys(n.split('.')[0] for n in names)},
        inner=dict(type='CoVWeighting'), outer=dict(type='DWA', period=2)),
)
#: Extra cases: a rule name and a fixed config.
EXTRA_CASES = {
    'Hierarchical(FAMO|LSB)': lambda names: dict(
        type='HierarchicalWeighting', groups=dict(all='.'),
        inner=dict(type='FAMO'),
        outer=dict(type='LossScaleBalancing', period=2)),
    'Hierarchical(RLW|Uncertainty)': lambda names: dict(
        type='HierarchicalWeighting', groups=dict(all='.'),
        inner=dict(type='RLW', seed=5),
        outer=dict(type='UncertaintyWeighting', num_losses=1)),
}
CASES = sorted(WEIGHTERS.module_dict) + sorted(EXTRA_CASES)


def build(case, names=NAMES, **kwargs):
    if case in EXTRA_CASES:
        cfg = EXTRA_CASES[case](names)
    else:
        if WEIGHTERS.get(case).needs_shared:
            pytest.skip(f'{case} needs a shared module')
        cfg = dict(type=case, **EXTRA_ARGS.get(case, lambda _: {})(names))
    return WEIGHTERS.build(dict(cfg, **kwargs))


def snapshot(weighter):
    """Every buffer and parameter but the count of non-finite steps,
    cloned (without taking a state dict)."""
    return {name: value.detach().clone() for name, value in
            [*weighter.named_buffers(), *weighter.named_parameters()]
            if not name.endswith('nonfinite_steps')}


def assert_same_state(before, after):
    assert before.keys() == after.keys()
    for name, value in before.items():
        torch.testing.assert_close(after[name], value, rtol=0, atol=0,
                                   equal_nan=True, msg=name)


def nan_losses(make_losses, bad='a.loss_y'):
    losses = make_losses(ROWS[0], NAMES)
    losses[bad] = torch.tensor(float('nan'))
    return losses


@pytest.mark.parametrize('case', CASES)
def test_eval_updates_nothing(case, feed_rows):
    weighter = build(case)
    feed_rows(weighter, ROWS[:5])
    before = copy.deepcopy(weighter.state_dict())
    weighter.eval()
    totals, weights = feed_rows(weighter, ROWS[5:7])
    assert np.isfinite(totals).all() and np.isfinite(weights).all()
    assert_same_state(before, weighter.state_dict())


@pytest.mark.parametrize('case', CASES)
def test_fresh_weighter_resumes_identically(case, feed_rows):
    original = build(case)
    feed_rows(original, ROWS[:5])
    state = copy.deepcopy(original.state_dict())
    resumed = build(case)
    resumed.load_state_dict(state)
    assert resumed.loss_names == list(NAMES)
    expected = feed_rows(original, ROWS[5:])
    actual = feed_rows(resumed, ROWS[5:])
    np.testing.assert_array_equal(actual[0], expected[0])
    np.testing.assert_array_equal(actual[1], expected[1])


@pytest.mark.parametrize('case', CASES)
def test_nonfinite_raise_names_the_loss(case, feed_rows, make_losses):
    weighter = build(case)
    feed_rows(weighter, ROWS[:2])
    with pytest.raises(NonFiniteLossError, match=r"\['a.loss_y'\]"):
        weighter(nan_losses(make_losses))


@pytest.mark.parametrize('case', CASES)
def test_nonfinite_skip_keeps_state(case, feed_rows, make_losses,
                                    logged_warnings):
    weighter = build(case, nonfinite='skip')
    feed_rows(weighter, ROWS[:3])
    before = snapshot(weighter)
    total, _ = weighter(nan_losses(make_losses))
    assert float(total.detach()) == 0.0
    assert weighter.skipped_step and int(weighter.nonfinite_steps) == 1
    assert_same_state(before, snapshot(weighter))
    # the fourth call, counted from 1, also when no runner tells it
    assert any("['a.loss_y'] at iteration 4" in message
               for message in logged_warnings)


@pytest.mark.parametrize('case', CASES)
def test_nonfinite_mask_gives_finite_weights(case, feed_rows, make_losses):
    weighter = build(case, nonfinite='mask')
    feed_rows(weighter, ROWS[:3])
    before = snapshot(weighter)
    total, weights = weighter(nan_losses(make_losses))
    assert torch.isfinite(total)
    assert all(torch.isfinite(w) for w in weights.values())
    assert float(weights['a.loss_y']) == 0.0
    assert int(weighter.nonfinite_steps) == 1
    assert_same_state(before, snapshot(weighter))


@pytest.mark.parametrize('case', CASES)
def test_changed_keys_raise(case, feed_rows, make_losses):
    weighter = build(case)
    feed_rows(weighter, ROWS[:1])
    with pytest.raises(KeyError, match='b.loss_new'):
        weighter(make_losses(ROWS[1], ('a.loss_x', 'a.loss_y', 'b.loss_new')))


@pytest.mark.parametrize('case', CASES)
def test_single_loss(case, feed_rows):
    names = ('a.loss_x', )
    weighter = build(case, names=names)
    totals, weights = feed_rows(weighter, ROWS[:6, :1], names)
    assert np.isfinite(totals).all() and np.isfinite(weights).all()
    assert (weights > 0).all()


@pytest.mark.parametrize('case', CASES)
def test_no_value_read_from_device(case):
    """On the meta device any read of a value (``.item()``, ``bool()``,
    ``.tolist()``, data-dependent shapes) raises."""
    weighter = build(case, nonfinite='mask').to('meta')
    for _ in range(5):
        total, weights = weighter(
            {name: torch.rand((), device='meta') for name in NAMES})
        assert total.device.type == 'meta'
    weighter.eval()
    weighter({name: torch.rand((), device='meta') for name in NAMES})


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')
@pytest.mark.parametrize('case', CASES)
def test_no_cuda_synchronisation(case, make_losses):
    weighter = build(case, nonfinite='mask').cuda()
    weighter(make_losses(ROWS[0], NAMES, device='cuda'))  # builds the state
    batches = [make_losses(row, NAMES, device='cuda') for row in ROWS[1:6]]
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode('error')
    try:
        for losses in batches:
            weighter(losses)
    finally:
        torch.cuda.set_sync_debug_mode('default')
