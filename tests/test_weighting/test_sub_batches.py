"""Gradient rules with sub-batches: the cross-Gram matrices of the
per-sub-batch loss gradients (GradientWeighter.sub_batches)."""
import copy

import pytest
import torch
import torch.distributed as dist
from torch import nn

from mtlw.weighting import GradientStep, GradientWeighter
from tests._fixtures.gradient_rules import (ThreadRanks, head_losses,
                                            trunk_and_heads)
from tests._fixtures.sub_batches import per_sample_step, sub_batch_vectors


class Recorder(GradientWeighter):
    """Keeps the cross-Gram matrices it receives; equal weights."""

    sub_batches = 3

    def __init__(self, step=None, **kwargs):
        super().__init__(**kwargs)
        self.seen, self.step_to_return = [], step

    def current_weights(self):
        return torch.ones(len(self.loss_names))

    def update(self, gram, observed):
        self.seen.append(gram.clone())
        if self.step_to_return is not None:
            return self.step_to_return
        return torch.tensor([0.5, 2.0, 1.0])


def cross_gram(vectors):
    """(S, S, K, K) from (S, K, P), written as loops."""
    count, num_losses = vectors.shape[:2]
    gram = torch.zeros(count, count, num_losses, num_losses)
    for s in range(count):
        for t in range(count):
            for i in range(num_losses):
                for j in range(num_losses):
                    gram[s, t, i, j] = torch.dot(vectors[s, i], vectors[t, j])
    return gram


@pytest.mark.parametrize('batch', [3, 7])
@pytest.mark.parametrize('mode', ['params', 'representation'])
def test_prescribed_per_sample_gradients(mode, batch):
    """Sub-batch s holds samples [s m, (s + 1) m), m = B // 3; the last
    B - 3 m samples are in none (representation mode: the products pair
    the rows of two sub-batches in order); the shared gradient is that of
    the whole batch."""
    torch.manual_seed(0)
    gradients = torch.randn(3, batch, 4)
    rule = Recorder(mode=mode)
    out = per_sample_step(rule, gradients)
    torch.testing.assert_close(
        rule.seen[0], cross_gram(sub_batch_vectors(gradients, 3, mode)))
    whole = gradients.mean(1)
    weights = torch.tensor([0.5, 2.0, 1.0])
    torch.testing.assert_close(out['shared'], weights @ whole)
    torch.testing.assert_close(out['heads'], weights * (whole @ out['theta']))


def separate_gradients(modules, x, mode):
    """Per sub-batch of 2 samples run alone: the gradients of its mean
    losses on the trunk parameters, or on its output rows."""
    rows = []
    for s in range(3):
        part = x[2 * s:2 * s + 2]
        z = modules[0](part)
        losses = [(head(z) - i).pow(2).mean()
                  for i, head in enumerate(modules[1:])]
        targets = (list(modules[0].parameters()) if mode == 'params'
                   else [z])
        rows.append(torch.stack([torch.cat([
            g.reshape(-1) for g in torch.autograd.grad(
                loss, targets, retain_graph=True)])
            for loss in losses]))
    return torch.stack(rows)


@pytest.mark.parametrize('single_backward', [True, False])
@pytest.mark.parametrize('mode', ['params', 'representation'])
def test_real_trunk_matches_sub_batches_run_alone(mode, single_backward):
    modules = trunk_and_heads(num_losses=3)
    x = torch.randn(6, 4)
    rule = Recorder(mode=mode, single_backward=single_backward)
    rule.attach(modules[0])
    total, _ = rule(head_losses(modules, x))
    expected = cross_gram(separate_gradients(modules, x, mode))
    torch.testing.assert_close(rule.seen[0], expected)
    total.backward()
    got = [p.grad.clone() for m in modules for p in m.parameters()]
    for module in modules:
        module.zero_grad()
    sum(w * loss for w, loss in zip([0.5, 2.0, 1.0],
                                    head_losses(modules, x).values())
        ).backward()
    for grad, param in zip(got, (p for m in modules
                                 for p in m.parameters())):
        torch.testing.assert_close(grad, param.grad)


@pytest.mark.parametrize('mode', ['params', 'representation'])
def test_loss_scaling_gives_the_same_products(mode):
    modules = trunk_and_heads(num_losses=3)
    x = torch.randn(6, 4)
    plain, scaled = Recorder(mode=mode), Recorder(mode=mode)
    scaled.bind_runtime(
        grad_scaler=torch.amp.GradScaler('cpu', init_scale=2.**14))
    for rule in (plain, scaled):
        rule.attach(modules[0])
        rule(head_losses(modules, x))
    torch.testing.assert_close(scaled.seen[0], plain.seen[0])


@pytest.mark.parametrize('mode', ['params', 'representation'])
def test_ranks_agree_with_one_process_on_the_global_batch(mode,
                                                          monkeypatch):
    """Rank r's sub-batch s is part of the global sub-batch s: the global
    batch of one process is ordered sub-batch by sub-batch, rank by rank."""
    modules = trunk_and_heads(num_losses=3)
    x = torch.randn(2, 6, 4)  # (rank, sample, feature)
    single = Recorder(mode=mode)
    single.attach(modules[0])
    ordered = torch.cat([x[r, 2 * s:2 * s + 2]
                         for s in range(3) for r in range(2)])
    single(head_losses(modules, ordered))

    def train(rule, model, part):
        rule.attach(model[0])
        rule(head_losses(model, part))
        return rule.seen[0]

    ranks = ThreadRanks(2)
    ranks.patch(monkeypatch, dist)
    got = ranks.run(train, [(Recorder(mode=mode), copy.deepcopy(modules),
                             x[r]) for r in range(2)])
    assert torch.equal(got[0], got[1])
    torch.testing.assert_close(got[0], single.seen[0])
    assert ranks.calls == [2, 2]


def test_a_batch_smaller_than_the_sub_batches_is_refused():
    modules = trunk_and_heads(num_losses=3)
    rule = Recorder()
    rule.attach(modules[0])
    with pytest.raises(ValueError, match=r'sub_batches=3 .* holds 2 sample'
                       r'.*batch size of at least 3'):
        rule(head_losses(modules, torch.randn(2, 4)))


def test_params_mode_refuses_heads_that_bypass_the_output():
    trunk, head = nn.Linear(4, 3), nn.Linear(3, 1)
    rule = Recorder()
    rule.attach(trunk)
    x = torch.randn(6, 4)
    z = trunk(x)
    losses = {f'l{i}': (head(z) + trunk.bias.sum() - i).pow(2).mean()
              for i in range(3)}
    with pytest.raises(ValueError, match='other than through its output'):
        rule(losses)


def test_a_rule_with_sub_batches_returns_weights_only():
    modules = trunk_and_heads(num_losses=3)
    rule = Recorder(step=GradientStep(torch.ones(3),
                                      coefficients=torch.ones(3)))
    rule.attach(modules[0])
    with pytest.raises(TypeError, match='returns weights'):
        rule(head_losses(modules, torch.randn(6, 4)))


def test_sub_batches_need_the_gram_input():
    class Vectors(Recorder):
        gradient_input = 'vectors'

    with pytest.raises(TypeError, match="sub_batches must be an int > 1"):
        Vectors()
