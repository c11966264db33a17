"""What every gradient-based rule guarantees, checked per registered rule:
ranks agree with the global batch, resume continues identically, a loss
scaler or bf16 autocast does not change the step, eval changes nothing."""
import copy
import os
import subprocess
import sys

import pytest
import torch
import torch.distributed as dist

from mtlw.registry import WEIGHTERS
from tests._fixtures.dist import ROOT, free_port
from tests._fixtures.gradient_rules import (RULE_ARGS, ThreadRanks,
                                            gradient_rules, head_losses,
                                            rule_batches, trunk_and_heads)

RULES = gradient_rules()
MODES = ('params', 'representation')
#: (rule, mode) pairs whose direction is not that of the global batch
#: under data parallelism, with the reason (documented in the rule).
NOT_GLOBAL = {}


def build(rule, mode, **kwargs):
    return WEIGHTERS.build(dict(type=rule, mode=mode,
                                **RULE_ARGS.get(rule, {}), **kwargs))


def run(weighter, modules, inputs):
    """Training steps; per step the trunk's gradients and the weights."""
    weighter.attach(modules[0], 'trunk')
    out = []
    for x in inputs:
        for module in modules:
            module.zero_grad()
        total, weights = weighter(head_losses(modules, x))
        total.backward()
        out.append(([p.grad.clone() for p in modules[0].parameters()],
                    torch.stack(list(weights.values()))))
    return out


def assert_steps_close(got, expected, **tolerance):
    for (grads, weights), (ref_grads, ref_weights) in zip(got, expected):
        torch.testing.assert_close(weights, ref_weights, **tolerance)
        for grad, ref in zip(grads, ref_grads):
            torch.testing.assert_close(grad, ref, **tolerance)


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('rule', RULES)
def test_ranks_agree_with_one_process_on_the_global_batch(
        rule, mode, monkeypatch):
    if (rule, mode) in NOT_GLOBAL:
        pytest.skip(NOT_GLOBAL[rule, mode])
    modules, inputs = trunk_and_heads(), rule_batches()
    single = run(build(rule, mode), modules, inputs)
    ranks = ThreadRanks(2)
    ranks.patch(monkeypatch, dist)
    # rank r holds samples r, r + 2, r + 4: its k-th sub-batch (rules
    # with sub_batches=3) is then part k of the global batch
    per_rank = [(build(rule, mode), copy.deepcopy(modules),
                 [x[rank::2] for x in inputs]) for rank in range(2)]
    rank0, rank1 = ranks.run(run, per_rank)
    # DDP averages the ranks' parameter gradients after the backward
    averaged = [([(a + b) / 2 for a, b in zip(grads0, grads1)], weights0)
                for (grads0, weights0), (grads1, _) in zip(rank0, rank1)]
    for (_, weights0), (_, weights1) in zip(rank0, rank1):
        assert torch.equal(weights0, weights1), 'ranks must agree'
    assert_steps_close(averaged, single, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('rule', RULES)
def test_resume_continues_identically(rule, mode):
    modules, inputs = trunk_and_heads(), rule_batches(4)
    straight = run(build(rule, mode), copy.deepcopy(modules), inputs)
    first = build(rule, mode)
    resumed_modules = copy.deepcopy(modules)
    run(first, resumed_modules, inputs[:2])
    # the model's parameters moved nowhere: the steps above had no optimizer
    second = build(rule, mode)
    second.load_state_dict(first.state_dict())
    resumed = run(second, resumed_modules, inputs[2:])
    assert_steps_close(resumed, straight[2:], rtol=0, atol=0)


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('rule', RULES)
def test_loss_scaler_gives_the_same_step(rule, mode):
    modules, inputs = trunk_and_heads(), rule_batches()
    plain = run(build(rule, mode), copy.deepcopy(modules), inputs)
    scaled = build(rule, mode)
    scaled.bind_runtime(
        grad_scaler=torch.amp.GradScaler('cpu', init_scale=2.**12))
    assert_steps_close(run(scaled, modules, inputs), plain,
                       rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('rule', RULES)
def test_bf16_autocast_step_is_finite_and_close(rule, mode):
    modules, inputs = trunk_and_heads(), rule_batches(2)
    plain = run(build(rule, mode), copy.deepcopy(modules), inputs)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        half = run(build(rule, mode), modules, inputs)
    for (grads, weights), (ref_grads, _) in zip(half, plain):
        assert torch.isfinite(weights).all()
        for grad, ref in zip(grads, ref_grads):
            assert grad.dtype == torch.float32 and torch.isfinite(grad).all()
            cosine = torch.cosine_similarity(grad.flatten(), ref.flatten(),
                                             dim=0)
            assert cosine > 0.9


@pytest.mark.parametrize('rule', RULES)
def test_eval_changes_nothing(rule):
    modules, inputs = trunk_and_heads(), rule_batches(2)
    weighter = build(rule, 'params')
    run(weighter, modules, inputs[:1])
    before = copy.deepcopy(weighter.state_dict())
    weighter.eval()
    total, weights = weighter(head_losses(modules, inputs[1]))
    assert torch.isfinite(total)
    for key, value in weighter.state_dict().items():
        if isinstance(value, torch.Tensor):
            assert torch.equal(value, before[key]), key


@pytest.mark.slow
def test_two_gloo_ranks_under_ddp_give_the_global_batch_step(tmp_path):
    """Real processes: DDP averages the ranks' gradients after the
    weighter's step; every rule in both modes gives the single-process
    step of the global batch."""
    port = free_port()
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=ROOT)
    procs = [subprocess.Popen(
        [sys.executable, '-m', 'tests._fixtures.gloo_gradient_rules',
         str(rank), str(port), str(tmp_path / f'rank{rank}.pt')],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for rank in range(2)]
    for proc in procs:
        output = proc.communicate(timeout=600)[0].decode()
        assert proc.returncode == 0, output[-3000:]
    ranks = [torch.load(tmp_path / f'rank{rank}.pt') for rank in range(2)]
    for (rule, mode), steps in ranks[0].items():
        single = run(build(rule, mode), trunk_and_heads(), rule_batches())
        for step, (grads, (ref_grads, _)) in enumerate(zip(steps, single)):
            for grad, other, ref in zip(grads, ranks[1][rule, mode][step],
                                        ref_grads):
                assert torch.equal(grad, other), (rule, mode, step)
                torch.testing.assert_close(grad, ref, rtol=1e-4, atol=1e-6,
                                           msg=f'{rule} {mode} {step}')
