"""The gradient machinery of GradNorm and MGDA: modes, AMP, ranks, models."""
import copy
import functools
import warnings
from collections import namedtuple

import numpy as np
import pytest
import torch
import torch.distributed as dist
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper
from torch import nn

from mtlw.weighting import MGDA, GradNorm, StaticWeighting, with_weighter
from mtlw.weighting.utils.autograd_graph import view_outputs
from tests._fixtures.gradient_rules import ThreadRanks


class DictTrunk(nn.Module):
    """Returns a dict holding a tensor and a list with a tensor and a name."""

    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Linear(4, 3)
        self.b = nn.Linear(4, 2)

    def forward(self, x):
        return {'feat': self.a(x), 'aux': [self.b(x), 'meta']}


Pair = namedtuple('Pair', 'first second')


def test_view_outputs_keeps_the_structure():
    a, b, c = (torch.zeros(1, requires_grad=True),
               torch.ones(2, requires_grad=True), torch.full((3, ), 2.))
    views = []
    out = view_outputs({'x': (a, [b, 'name']), 'y': None,
                        'z': Pair(c, a)}, views)
    assert [v._base for v in views] == [a, b, a]
    assert out['x'][0] is views[0] and out['x'][1][0] is views[1]
    assert out['x'][1][1] == 'name' and out['y'] is None
    assert isinstance(out['x'], tuple) and isinstance(out['x'][1], list)
    assert isinstance(out['z'], Pair)
    assert out['z'].first is c, 'a tensor without grad is left as it is'
    assert out['z'].second is views[2]


class ChainTrunk(nn.Module):
    """Two outputs, the second computed from the first; counts the
    backward passes that enter it."""

    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(4, 3)
        self.backward_calls = 0

    def count(self, grad):
        self.backward_calls += 1

    def forward(self, x):
        hidden = self.lin(x)
        if hidden.requires_grad:
            hidden.register_hook(self.count)
        first = torch.tanh(hidden)
        return first, 2 * first


def test_representation_gradients_stay_outside_the_module():
    trunk = ChainTrunk()
    weighter = MGDA(mode='representation')
    weighter.attach(trunk)
    first, second = trunk(torch.randn(5, 4))
    losses = torch.stack([first.sum(), second.sum() / 4])
    # gradients reaching the outputs from outside: (1, 0) and (0, 1/4) per
    # element; through the module the second would also reach the first
    size = first.numel()
    torch.testing.assert_close(
        weighter.gradient_gram(losses),
        torch.tensor([[size, 0.], [0., size / 16]]))
    assert trunk.backward_calls == 0
    losses.sum().backward()
    assert trunk.backward_calls == 1 and trunk.lin.weight.grad is not None


def dict_trunk_losses(trunk, head, x):
    """Three losses of the DictTrunk outputs, with their gradients w.r.t.
    (feat, aux) written out by hand."""
    out = trunk(x)
    feat, aux = out['feat'], out['aux'][0]
    num = x.shape[0]
    pred = feat @ head.T
    losses = torch.stack([pred.pow(2).mean(), aux[:, 0].abs().mean(),
                          (feat.sum() + aux.sum()) / 10])
    with torch.no_grad():
        sign = torch.zeros_like(aux)
        sign[:, 0] = aux[:, 0].sign()
        grads = [(2 * pred @ head / num, torch.zeros_like(aux)),
                 (torch.zeros_like(feat), sign / num),
                 (torch.full_like(feat, 0.1), torch.full_like(aux, 0.1))]
    flat = np.stack([torch.cat([f.reshape(-1), a.reshape(-1)]).numpy()
                     for f, a in grads])
    return losses, flat @ flat.T


def test_representation_mode_uses_the_output_gradient():
    torch.manual_seed(0)
    trunk, head = DictTrunk(), torch.randn(1, 3)
    x = torch.randn(5, 4)
    mgda, grad_norm = MGDA(mode='representation'), GradNorm(
        mode='representation')
    for weighter in (mgda, grad_norm):
        weighter.attach(trunk)
        losses, expected = dict_trunk_losses(trunk, head, x)
        gram = weighter.gradient_gram(losses)
        expected = torch.from_numpy(expected).float()
        if weighter is grad_norm:
            expected = expected.diagonal()
        torch.testing.assert_close(gram, expected)


def test_outputs_are_captured_only_while_training_with_grad():
    torch.manual_seed(0)
    trunk, head = DictTrunk(), torch.randn(1, 3)
    weighter = MGDA(mode='representation')
    weighter.attach(trunk)
    x = torch.randn(2, 4)
    with torch.no_grad():
        trunk(x)
    trunk.eval()
    losses, _ = dict_trunk_losses(trunk, head, x)
    assert weighter._captured == []
    with pytest.raises(RuntimeError, match='DictTrunk produced no output'):
        weighter(dict(zip('abc', losses)))
    trunk.train()
    losses, _ = dict_trunk_losses(trunk, head, x)
    assert len(weighter._captured) == 2
    weighter(dict(zip('abc', losses)))
    assert weighter._captured == [], 'the step graph must not be kept'
    # attaching elsewhere removes the hook
    weighter.attach(nn.Linear(4, 3))
    dict_trunk_losses(trunk, head, x)
    assert weighter._captured == []


def test_params_mode_on_a_submodule():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    x = torch.randn(6, 4)
    weighter = MGDA()
    weighter.attach(net[2])
    out = net(x)
    losses = torch.stack([out[:, 0].mean(),
                          (out[:, 0] + 3 * out[:, 1]).mean()])
    # d/dW2 of mean(out[:, i]) is the mean hidden vector in row i, and e_i
    # for the bias: g_0 = (h, 0; 1, 0), g_1 = (h, 3h; 1, 3)
    hidden = torch.tanh(net[0](x)).mean(0)
    base = float(hidden.detach() @ hidden.detach()) + 1
    expected = torch.tensor([[base, base], [base, 10 * base]])
    torch.testing.assert_close(weighter.gradient_gram(losses), expected)


def test_missing_shared_module_and_frozen_parameters():
    losses = {'a': torch.ones((), requires_grad=True) * 2}
    with pytest.raises(RuntimeError, match='MGDA has no shared module'):
        MGDA()(losses)
    frozen = nn.Linear(2, 2).requires_grad_(False)
    weighter = GradNorm()
    weighter.attach(frozen)
    with pytest.raises(RuntimeError,
                       match='Linear has no parameter that requires grad'):
        weighter(losses)
    with pytest.raises(TypeError, match='expects an nn.Module'):
        weighter.attach('backbone')


def two_losses(trunk, x):
    """z = trunk(x); losses 2 sum z_0 (gradient 2 in z) and mean z_1^2."""
    z = trunk(x)
    return {'a': 2 * z[:, 0].sum(), 'b': z[:, 1].pow(2).mean()}


@pytest.mark.parametrize('mode', ['params', 'representation'])
@pytest.mark.parametrize('rule', [MGDA, GradNorm])
def test_loss_scaling_gives_the_same_weights(rule, mode):
    torch.manual_seed(0)
    trunk = nn.Linear(3, 2)
    plain, scaled = rule(mode=mode), rule(mode=mode)
    scaled.bind_runtime(
        grad_scaler=torch.amp.GradScaler('cpu', init_scale=2.**14))
    for weighter in (plain, scaled):
        weighter.attach(trunk)
    for step in range(3):
        x = torch.randn(4, 3, generator=torch.Generator().manual_seed(step))
        _, expected = plain(two_losses(trunk, x))
        _, got = scaled(two_losses(trunk, x))
        torch.testing.assert_close(got, expected)
    for key, value in plain.state_dict().items():
        if isinstance(value, torch.Tensor):
            torch.testing.assert_close(scaled.state_dict()[key], value)


@pytest.mark.parametrize('rule', [MGDA, GradNorm])
def test_non_finite_gradients_keep_the_previous_weights(rule):
    torch.manual_seed(0)
    trunk = nn.Linear(3, 2)
    weighter = rule()
    weighter.attach(trunk)
    weighter(two_losses(trunk, torch.randn(4, 3)))
    before = copy.deepcopy(weighter.state_dict())
    kept = weighter.current_weights().clone()
    # 2 * 3e38 overflows float32: the scaler would skip this step
    weighter.bind_runtime(
        grad_scaler=torch.amp.GradScaler('cpu', init_scale=3e38))
    x = torch.randn(4, 3)
    total, weights = weighter(two_losses(trunk, x))
    torch.testing.assert_close(torch.stack(list(weights.values())), kept)
    for key, value in weighter.state_dict().items():
        if isinstance(value, torch.Tensor) and key != 'step':
            torch.testing.assert_close(value, before[key], msg=key)
    assert torch.isfinite(total)
    # a disabled scaler does not scale: the same step now updates
    weighter.bind_runtime(grad_scaler=torch.amp.GradScaler(
        'cpu', init_scale=3e38, enabled=False))
    weighter(two_losses(trunk, x))
    assert not torch.equal(weighter.current_weights(), kept)


@pytest.mark.parametrize('nonfinite', ['skip', 'mask'])
@pytest.mark.parametrize('rule', [MGDA, GradNorm])
def test_non_finite_losses_leave_the_state(rule, nonfinite):
    torch.manual_seed(0)
    trunk = nn.Linear(3, 2)
    weighter = rule(nonfinite=nonfinite)
    weighter.attach(trunk)
    weighter(two_losses(trunk, torch.randn(4, 3)))
    before = copy.deepcopy(weighter.state_dict())
    losses = two_losses(trunk, torch.randn(4, 3))
    losses['b'] = losses['b'] * float('nan')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        total, weights = weighter(losses)
    assert torch.isfinite(total)
    assert all(torch.isfinite(w) for w in weights.values())
    for key, value in weighter.state_dict().items():
        if isinstance(value, torch.Tensor):
            torch.testing.assert_close(value, before[key], msg=key)


@pytest.mark.parametrize('rule', [MGDA, GradNorm])
def test_a_single_loss_gets_weight_one(rule):
    trunk = nn.Linear(3, 2)
    weighter = rule()
    weighter.attach(trunk)
    for _ in range(2):
        _, weights = weighter({'a': two_losses(trunk, torch.randn(4, 3))['b']})
        assert float(weights['a']) == pytest.approx(1.0)


def head_losses(trunk, heads, x):
    z = trunk(x)
    return {f'l{i}': (head(z) - i).pow(2).mean()
            for i, head in enumerate(heads)}


@pytest.mark.parametrize('mode', ['params', 'representation'])
@pytest.mark.parametrize('rule', [
    MGDA, functools.partial(GradNorm, optimizer='sgd', weight_lr=0.1)],
    ids=['MGDA', 'GradNorm-sgd'])
def test_ranks_agree_with_one_process_on_the_global_batch(
        rule, mode, monkeypatch):
    torch.manual_seed(0)
    trunk, heads = nn.Linear(4, 3), [nn.Linear(3, 1) for _ in range(3)]
    batches = [torch.randn(6, 4) for _ in range(2)]

    def train(weighter, model, batch_part):
        weighter.attach(model[0])
        return [torch.stack(list(weighter(head_losses(*model, part))[1]
                                 .values())) for part in batch_part]

    per_rank = [(rule(mode=mode), copy.deepcopy((trunk, heads)),
                 [b[rank * 3:(rank + 1) * 3] for b in batches])
                for rank in range(2)]
    single = train(rule(mode=mode), (trunk, heads), batches)
    ranks = ThreadRanks(2)
    monkeypatch.setattr(dist, 'is_available', lambda: True)
    monkeypatch.setattr(dist, 'is_initialized', lambda: True)
    monkeypatch.setattr(dist, 'get_world_size', lambda group=None: 2)
    monkeypatch.setattr(dist, 'all_reduce', ranks.all_reduce)
    rank0, rank1 = ranks.run(train, per_rank)
    for step in range(2):
        assert torch.equal(rank0[step], rank1[step])
        torch.testing.assert_close(rank0[step], single[step])
    # one collective for the losses (the base) and one for the gradients
    assert ranks.calls == [4, 4]


class TinyTwoHead(BaseModel):
    """A shared trunk and two regression heads."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.trunk = nn.Linear(4, 3)
        self.head_a = nn.Linear(3, 1)
        self.head_b = nn.Linear(3, 1)

    def forward(self, inputs, targets, mode='loss'):
        feats = self.trunk(inputs)
        return {
            'a.loss_l2': (self.head_a(feats)[:, 0] - targets).pow(2).mean(),
            'b.loss_l1': (self.head_b(feats)[:, 0] + targets).abs().mean(),
        }


WeightedTinyTwoHead = with_weighter(TinyTwoHead)


@pytest.mark.parametrize('weighter, buffers', [
    (dict(type='GradNorm', weight_lr=0.1),
     ['loss_weights', 'initial_losses', 'num_updates', 'exp_avg',
      'exp_avg_sq']),
    (dict(type='MGDA', mode='representation'), ['alpha']),
])
def test_train_step_through_a_weighted_model(weighter, buffers):
    torch.manual_seed(0)
    model = WeightedTinyTwoHead(weighter=weighter, shared='trunk')
    optim_wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    data = dict(inputs=torch.randn(8, 4), targets=torch.randn(8))
    trunk_before = model.trunk.weight.detach().clone()
    used = []
    for _ in range(2):
        log_vars = model.train_step(data, optim_wrapper)
        used.append(model.weighter.latest_weights)
    assert set(log_vars) == {'loss', 'a.loss_l2', 'b.loss_l1'}
    assert not torch.equal(model.trunk.weight, trunk_before)
    assert not torch.equal(used[0], used[1])
    weighter_keys = {k for k in model.state_dict()
                     if k.startswith('weighter.')}
    base_keys = list(StaticWeighting().state_dict())
    assert weighter_keys == {f'weighter.{name}' for name in
                             base_keys + buffers}
    assert len(optim_wrapper.param_groups[0]['params']) == 6
    with pytest.raises(ValueError, match="shared=... on WeightedTinyTwoHead"):
        WeightedTinyTwoHead(weighter=weighter)


class ThreeHeads(nn.Module):
    """A trunk and three heads: ``common`` serves losses a and b, ``spare``
    no loss; loss c reaches only ``head_c``. Counts the backward passes
    through ``head_b`` and the trunk."""

    def __init__(self, skip: bool = False) -> None:
        super().__init__()
        self.trunk = nn.Linear(4, 3)
        self.head_a = nn.Linear(3, 1)
        self.head_b = nn.Linear(3, 2)
        self.head_c = nn.Linear(3, 1)
        self.common = nn.Parameter(torch.randn(3))
        self.spare = nn.Linear(2, 2)
        self.skip = skip
        self.calls = {'trunk': 0, 'head_b': 0}

    def counted(self, tensor, name):
        tensor = tensor.view_as(tensor)
        tensor.register_hook(
            lambda grad: self.calls.__setitem__(name, self.calls[name] + 1))
        return tensor

    def forward(self, x):
        z = self.trunk(self.counted(x, 'trunk'))
        head_b = self.counted(self.head_b(torch.tanh(z) + self.common),
                              'head_b')
        # with skip, loss c also uses the trunk's weight directly
        c_in = z + self.trunk.weight.sum() if self.skip else z
        return z, {'a': (self.head_a(z * self.common) - 1).pow(2).mean(),
                   'b': head_b.pow(2).mean(),
                   'c': self.head_c(c_in).abs().mean()}


def single_backward_steps(rule, single_backward, scale=None, skip=False):
    """Three steps of ``rule`` on :class:`ThreeHeads`; per step the weights,
    the total, the plain weighted sum and the parameter gradients, the
    gradients of the plain sum (``expected``) and the passes of the
    weighter's and of the total's backward."""
    torch.manual_seed(0)
    model = ThreeHeads(skip)
    weighter = rule(mode='representation', single_backward=single_backward)
    weighter.bind_runtime(grad_scaler=None if scale is None else
                          torch.amp.GradScaler('cpu', init_scale=scale))
    weighter.attach(model.trunk)
    steps = []
    for step in range(3):
        x = torch.randn(5, 4, generator=torch.Generator().manual_seed(step))
        x.requires_grad_()
        model.zero_grad()
        _, losses = model(x)
        model.calls.update(trunk=0, head_b=0)
        total, weights = weighter(losses)
        weighter_calls = dict(model.calls)
        model.calls.update(trunk=0, head_b=0)
        weights = torch.stack(list(weights.values()))
        (total * (scale or 1.0)).backward()
        calls = dict(model.calls)
        grads = {name: None if p.grad is None else p.grad / (scale or 1.0)
                 for name, p in model.named_parameters()}
        model.zero_grad()
        _, losses = model(x)
        plain = (weights * torch.stack(list(losses.values()))).sum()
        plain.backward()
        expected = {name: p.grad for name, p in model.named_parameters()}
        steps.append(dict(weights=weights, total=total, plain=plain,
                          grads=grads, expected=expected, calls=calls,
                          weighter_calls=weighter_calls))
    return steps


@pytest.mark.parametrize('scale', [None, 2.**12])
@pytest.mark.parametrize('rule', [MGDA, GradNorm])
def test_single_backward_gives_the_gradients_of_the_weighted_sum(
        rule, scale):
    single = single_backward_steps(rule, True, scale)
    double = single_backward_steps(rule, False, scale)
    for one, two in zip(single, double):
        # the rule's weights (GradNorm's update too) do not depend on it
        torch.testing.assert_close(one['weights'], two['weights'])
        for run in (one, two):
            assert float(run['total'].detach()) == pytest.approx(
                float(run['plain'].detach()))
            assert run['grads']['spare.weight'] is None
            for name, grad in run['expected'].items():
                if grad is not None:
                    torch.testing.assert_close(
                        run['grads'][name], grad, rtol=1e-6, atol=1e-6,
                        msg=name)
        # the optimizer's backward goes through the trunk once either way,
        # and through a head only without the single backward
        assert one['calls'] == {'trunk': 1, 'head_b': 0}
        assert two['calls'] == {'trunk': 1, 'head_b': 1}
        # the weighter differentiates each loss through its own heads only
        for run in (one, two):
            assert run['weighter_calls'] == {'trunk': 0, 'head_b': 1}


def test_single_backward_falls_back_when_heads_bypass_the_output():
    with pytest.warns(UserWarning, match='plain total'):
        steps = single_backward_steps(MGDA, True, skip=True)
    for run in steps:
        assert run['calls'] == {'trunk': 1, 'head_b': 1}
        for name, grad in run['expected'].items():
            if grad is not None:
                torch.testing.assert_close(run['grads'][name], grad)


def test_single_backward_accumulates_only_in_the_optimizer_backward():
    torch.manual_seed(0)
    model = ThreeHeads()
    weighter = GradNorm(mode='representation')
    weighter.attach(model.trunk)
    accumulated = []
    for name, param in model.named_parameters():
        param.register_post_accumulate_grad_hook(
            functools.partial(lambda name, _: accumulated.append(name), name))
    total, _ = weighter(model(torch.randn(5, 4, requires_grad=True))[1])
    assert accumulated == [], 'autograd.grad fills no .grad, fires no hook'
    total.backward()
    reached = {name for name, _ in model.named_parameters()
               if not name.startswith('spare')}
    assert sorted(accumulated) == sorted(reached)
