"""A non-finite loss under nonfinite='skip' or 'mask' never reaches the
model: a training step of the toy model with every registered weighter."""
import copy

import pytest
import torch
from mmengine.optim import OptimWrapper

import tests._fixtures.toy  # noqa: F401  (registers ToyTwoLossModel)
from mtlw.engine.hooks.weighter_runtime_hook import \
    skip_updates_of_skipped_steps
from mtlw.registry import MODELS, WEIGHTERS
from mtlw.weighting import NonFiniteLossError

#: A config for every registered rule on the toy model's two losses.
CONFIGS = {
    'UncertaintyWeighting': dict(num_losses=2),
    'IMTL': dict(num_losses=2),
    'DWA': dict(period=2),
    'LossScaleBalancing': dict(period=2, beta_rate=0.5),
    'STCH': dict(period=1, warmup_epochs=0),
    'HierarchicalWeighting': dict(
        groups=dict(a=r'^a\.', b=r'^b\.'), inner=dict(type='CoVWeighting'),
        outer=dict(type='DWA', period=2)),
}
EXTRA = {'MGDA-UB': dict(type='MGDA', mode='representation'),
         'GradNorm-repr': dict(type='GradNorm', mode='representation')}
CASES = sorted(WEIGHTERS.module_dict) + sorted(EXTRA)


def build_model(case, nonfinite):
    if case in EXTRA:
        cfg = dict(EXTRA[case])
    else:
        cfg = dict(type=case, **CONFIGS.get(case, {}))
    cfg['nonfinite'] = nonfinite
    shared = 'trunk' if WEIGHTERS.get(cfg['type']).needs_shared else None
    torch.manual_seed(0)
    return MODELS.build(dict(type='ToyTwoLossModel', weighter=cfg,
                             shared=shared))


def batch(seed, bad=False):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(4, 4, generator=gen)
    target_b = (x[:, 0] - x[:, 1]).view(4, 1)
    if bad:
        target_b = target_b * float('nan')
    return dict(inputs=x, target_a=x.sum(1, keepdim=True), target_b=target_b)


def trained(case, nonfinite):
    """The model after two finite steps with Adam, and its wrapper."""
    model = build_model(case, nonfinite)
    optim = OptimWrapper(torch.optim.Adam(model.parameters(), lr=0.01))
    skip_updates_of_skipped_steps(optim, model.weighter)
    for seed in range(2):
        model.train_step(batch(seed), optim)
    return model, optim


def assert_bitwise_equal(before, after):
    assert before.keys() == after.keys()
    for key, value in before.items():
        if isinstance(value, torch.Tensor):
            assert torch.equal(after[key], value), key
        elif isinstance(value, dict):
            assert_bitwise_equal(value, after[key])


@pytest.mark.parametrize('case', CASES)
def test_skipped_step_changes_nothing(case):
    model, optim = trained(case, 'skip')
    before = copy.deepcopy(dict(model=model.state_dict(),
                                optim=optim.state_dict()))
    log_vars = model.train_step(batch(5, bad=True), optim)
    assert model.weighter.skipped_step
    assert float(log_vars['loss']) == 0.0
    assert all(p.grad is None for p in model.parameters())
    after = dict(model=model.state_dict(), optim=optim.state_dict())
    assert_bitwise_equal(before['model'], after['model'])
    assert_bitwise_equal(before['optim']['state'], after['optim']['state'])
    assert int(model.weighter.nonfinite_steps) == 1
    # training goes on
    model.train_step(batch(6), optim)
    assert not model.weighter.skipped_step
    assert not torch.equal(model.trunk.weight, before['model']['trunk.weight'])


@pytest.mark.parametrize('case', CASES)
def test_masked_step_takes_the_gradient_of_the_finite_losses(case):
    model, optim = trained(case, 'mask')
    before = copy.deepcopy(model.weighter.state_dict())
    reference = copy.deepcopy(model)
    data = batch(5, bad=True)
    losses = model(**data)
    total, log_vars = model.parse_losses(losses)
    assert model.weighter.masked_step
    weight_a = model.weighter.latest_weights[0]
    assert float(model.weighter.latest_weights[1]) == 0.0
    total.backward()
    # the gradient of the finite loss alone, with its weight
    (weight_a * reference(**data)['a.loss_l2']).backward()
    for (name, param), ref in zip(model.named_parameters(),
                                  reference.parameters()):
        if name.startswith('weighter.'):
            assert param.grad is None, name
        elif ref.grad is None:
            assert param.grad is None, name  # head_b: no gradient at all
        else:
            torch.testing.assert_close(param.grad, ref.grad, msg=name)
    assert model.head_b.weight.grad is None
    optim.step()
    assert all(torch.isfinite(p).all() for p in model.parameters())
    assert_bitwise_equal(before, model.weighter.state_dict())
    assert int(model.weighter.nonfinite_steps) == 1


@pytest.mark.parametrize('nonfinite', ['skip', 'mask'])
def test_step_with_only_nonfinite_losses_is_skipped(nonfinite):
    model, optim = trained('CoVWeighting', nonfinite)
    data = batch(5, bad=True)
    data['target_a'] = data['target_a'] * float('inf')
    before = copy.deepcopy(model.state_dict())
    model.train_step(data, optim)
    assert model.weighter.skipped_step
    assert_bitwise_equal(before, model.state_dict())


class CountingOptimWrapper(OptimWrapper):
    """Counts the calls of ``update_params`` (backward, step, AMP scaler)."""

    calls = 0

    def update_params(self, loss, *args, **kwargs):
        self.calls += 1
        return super().update_params(loss, *args, **kwargs)


def test_skipped_step_runs_no_part_of_the_update():
    """Nothing of ``update_params`` runs, so neither does an AMP scaler's
    step or update (AmpOptimWrapper needs a GPU)."""
    model = build_model('CoVWeighting', 'skip')
    optim = CountingOptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    skip_updates_of_skipped_steps(optim, model.weighter)
    skip_updates_of_skipped_steps(optim, model.weighter)  # installed once
    model.train_step(batch(0), optim)
    model.train_step(batch(5, bad=True), optim)
    model.train_step(batch(1), optim)
    assert optim.calls == 2


def test_raise_names_the_runner_iteration():
    model = build_model('CoVWeighting', 'raise')
    model.weighter.iteration = 7
    with pytest.raises(NonFiniteLossError, match='at iteration 7 '):
        model.parse_losses(model(**batch(5, bad=True)))
