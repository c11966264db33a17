"""MMoE, CGC, DSelect-k, PLE and LTB: shapes, sizes, gates, gradients,
training with loss-only and gradient weighters."""
import math
import re
import weakref

import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper

from mtlw.models.necks.dselect_gate import smooth_step
from mtlw.registry import MODELS
from tests._fixtures.pixelwise_fixtures import fake_batch

TASKS = dict(
    depth=dict(channels=1, loss=dict(type='DepthLogL1Loss')),
    normal=dict(channels=3, loss=dict(type='NormalCosineLoss')),
    seg=dict(channels=5, loss=dict(type='SegRangeCELoss')))
CHANNELS = dict(depth=1, normal=3, seg=5)
IMG = (64, 64)
# timm's smallest ResNet: stages of 32, 32, 48, 192, 96 channels.
EXPERT = dict(type='TimmEncoder', model_name='test_resnet')
LAST_CHANNELS = 96
DECODER = dict(type='TwelveConvDecoder', in_channels=LAST_CHANNELS,
               channels=(8, 8, 8, 8, 8, 8))


def build(kind, **kwargs):
    cfg = dict(type=kind, tasks=TASKS, backbone=EXPERT, decoder=DECODER,
               data_preprocessor=PREPROCESSOR, **kwargs)
    if kind != 'LTB':
        cfg['img_size'] = IMG
    return MODELS.build(cfg)


def count(module):
    return sum(param.numel() for param in module.parameters())


def one_expert():
    return count(MODELS.build(EXPERT))


def one_decoder(channels):
    return count(MODELS.build(dict(DECODER, out_channels=channels)))


def decoders():
    return sum(one_decoder(channels) for channels in CHANNELS.values())


# Normalised inputs, as the configs give them: the gates read raw pixels.
PREPROCESSOR = dict(type='MultiTaskDataPreprocessor', mean=[127.5] * 3,
                    std=[127.5] * 3)
GATE_INPUTS = 3 * IMG[0] * IMG[1]
#: One expert, column, gate or decoder, from a parameter name.
UNIT = re.compile(r'^(alpha|(experts|columns)\.\d+|task_experts\.\w+\.\d+|'
                  r'gates\.\w+(\.\d+)?|decoders\.\w+)')


@pytest.mark.parametrize('kind,shared,own', [
    ('MMoE', 4, 0), ('CGC', 2, 1)])
def test_mixture_sizes_follow_the_layout(kind, shared, own):
    model = build(kind, num_experts=shared, num_task_experts=own)
    experts = shared + own * len(TASKS)
    gates = len(TASKS) * (GATE_INPUTS + 1) * (shared + own)
    assert count(model) == experts * one_expert() + gates + decoders()


def test_dselect_k_gate_size():
    model = build('DSelectK', num_experts=4, gate=dict(num_selectors=2))
    bits = 2  # log2(4)
    gate = (GATE_INPUTS + 1) * (2 * bits) + (GATE_INPUTS + 1) * 2
    assert count(model) == 4 * one_expert() + len(TASKS) * gate + decoders()


def test_ple_has_a_gate_per_stage_reading_that_stage():
    model = build('PLE', num_experts=1, num_task_experts=1)
    reads = [(3, 64, 64), (32, 32, 32), (32, 16, 16), (48, 8, 8), (192, 4, 4)]
    gates = sum((math.prod(shape) + 1) * 2 for shape in reads)
    assert [gate.input_shape for gate in model.gates['seg']] == reads
    assert count(model) == (1 + len(TASKS)) * one_expert() + \
        len(TASKS) * gates + decoders()


def test_ltb_columns_and_branching_logits():
    model = build('LTB')
    assert model.alpha.shape == (4, 3, 3)
    assert count(model) == 3 * one_expert() + 4 * 9 + decoders()


@pytest.mark.parametrize('kind', ['MMoE', 'CGC', 'DSelectK', 'PLE', 'LTB'])
def test_output_shapes_and_every_parameter_learns(kind):
    torch.manual_seed(0)
    model = build(kind)
    hub = MessageHub.get_current_instance()
    hub.update_info('iter', 50)  # past LTB's warm-up: alpha is sampled
    hub.update_info('max_iters', 100)
    try:
        inputs = torch.randn(2, 3, *IMG)
        maps = model(inputs, mode='tensor')
        assert {name: tuple(value.shape) for name, value in maps.items()} == {
            name: (2, channels, *IMG) for name, channels in CHANNELS.items()}
        batch = model.data_preprocessor(fake_batch(CHANNELS, 2, *IMG), True)
        total, _ = model.parse_losses(model(**batch, mode='loss'))
        total.backward()
    finally:
        hub.update_info('max_iters', 0)
    # Every expert, column, gate (of every stage) and decoder learns; within
    # a ResNet block, zero-initialised last BNs silence the block's first
    # convs at the first step, as in any ResNet.
    learning = {}
    for name, param in model.named_parameters():
        unit = UNIT.match(name).group(0)
        moved = param.grad is not None and bool(param.grad.abs().sum() > 0)
        learning[unit] = learning.get(unit, False) or moved
    assert all(learning.values()), learning


def test_softmax_gates_weigh_each_sample_to_one():
    model = build('CGC', num_experts=2, num_task_experts=1)
    weights = model.gates['depth'](torch.randn(5, 3, *IMG))
    assert weights.shape == (5, 3)
    assert torch.all(weights > 0)
    torch.testing.assert_close(weights.sum(-1), torch.ones(5))
    with pytest.raises(ValueError, match=r'img_size'):
        model.gates['depth'](torch.randn(1, 3, 16, 16))


def test_smooth_step_by_hand():
    gamma = 2.0
    t = torch.tensor([-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0])
    cubic = [-2 / 8 * x**3 + 3 / 4 * x + 0.5 for x in (-0.5, 0.0, 0.5)]
    expected = torch.tensor([0.0, 0.0, *cubic, 1.0, 1.0])
    torch.testing.assert_close(smooth_step(t, gamma), expected)


def test_dselect_gate_selects_by_binary_code():
    gate = MODELS.build(dict(type='DSelectGate', input_shape=(1, 1, 1),
                             num_experts=4, num_selectors=2))
    with torch.no_grad():
        gate.code_logits.weight.zero_()
        # selector 0 -> code 11 (expert 3), selector 1 -> code 10 (expert 2)
        gate.code_logits.bias.copy_(torch.tensor([9., 9., 9., -9.]))
        gate.mix_logits.weight.zero_()
        gate.mix_logits.bias.copy_(torch.tensor([math.log(3.0), 0.0]))
    weights, selections = gate(torch.ones(1, 1, 1, 1))
    torch.testing.assert_close(weights, torch.tensor([[0., 0., .25, .75]]))
    torch.testing.assert_close(
        selections, torch.tensor([[[0., 0., 0., 1.], [0., 0., 1., 0.]]]))
    entropy = -2 * (1.0 * math.log(1 + 1e-6)) * 1e-6  # one-hot selections
    assert gate.regularizer(selections).item() == pytest.approx(entropy,
                                                                abs=1e-12)
    three = MODELS.build(dict(type='DSelectGate', input_shape=(1, 1, 1),
                              num_experts=3, num_selectors=1))
    weights, selections = three(torch.randn(4, 1, 1, 1))
    assert torch.all(weights >= 0) and torch.all(weights.sum(-1) <= 1 + 1e-6)
    # Not a power of 2: 1 / (mass on existing experts) joins the entropy.
    values = selections.detach()
    entropy = -sum(s * math.log(s + 1e-6) for s in values.flatten().tolist())
    mass = sum(1 / row.sum().item() for row in values.flatten(0, 1))
    assert three.regularizer(selections).item() == pytest.approx(
        entropy * 1e-6 + mass, rel=1e-5)


def test_dselect_gate_keeps_no_graph_after_forward():
    gate = MODELS.build(dict(type='DSelectGate', input_shape=(1, 2, 2),
                             num_experts=4))
    output = gate(torch.randn(3, 1, 2, 2, requires_grad=True))
    selections = weakref.ref(output.selections)
    del output
    assert selections() is None
    assert not [name for name, value in vars(gate).items()
                if isinstance(value, torch.Tensor)]


def test_dselect_k_regulariser_joins_the_total_unweighted():
    torch.manual_seed(0)
    model = build('DSelectK', weighter=dict(type='StaticWeighting'))
    batch = model.data_preprocessor(fake_batch(CHANNELS, 2, *IMG), True)
    losses = model(**batch, mode='loss')
    assert {f'reg.{task}_gate' for task in TASKS} <= set(losses)
    total, _ = model.parse_losses(losses)
    torch.testing.assert_close(total, sum(losses.values()))
    assert all(not name.startswith('reg.')
               for name in model.weighter.loss_names)
    # each regulariser is its gate's, from the selections of this input
    for task, gate in model.gates.items():
        _, selections = gate(batch['inputs'])
        torch.testing.assert_close(losses[f'reg.{task}_gate'],
                                   gate.regularizer(selections))


def test_ltb_schedule_and_choice():
    model = build('LTB', num_epochs=200)
    hub = MessageHub.get_current_instance()
    hub.update_info('max_iters', 1000)
    try:
        hub.update_info('iter', 5)  # epoch 1 < 200 / 100: warm-up
        warm = model.branching()
        assert torch.equal(warm, torch.ones(4, 3, 3))
        warm.sum().backward()  # on the graph (DDP), with a zero gradient
        assert torch.equal(model.alpha.grad, torch.zeros(4, 3, 3))
        hub.update_info('iter', 500)  # epoch 100: tau = 10 / sqrt(101)
        sample = model.branching()
        assert torch.equal(sample.sum(-1), torch.ones(4, 3))
        assert set(sample.unique().tolist()) <= {0.0, 1.0}
    finally:
        hub.update_info('max_iters', 0)
    with torch.no_grad():
        model.alpha.zero_()
        model.alpha[:, :, 1] = 1.0  # every column prefers parent 1
    model.eval()
    choice = model.branching()
    assert torch.equal(choice[..., 1], torch.ones(4, 3))


@pytest.mark.parametrize('kind', ['MMoE', 'PLE', 'LTB'])
@pytest.mark.parametrize('weighter', [dict(type='CoVWeighting'),
                                      dict(type='MGDA', mode='params')])
def test_two_training_steps(kind, weighter):
    torch.manual_seed(0)
    shared = 'columns' if kind == 'LTB' else 'experts'
    model = build(kind, weighter=weighter, shared=shared)
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1e-3))
    for _ in range(2):
        log_vars = model.train_step(fake_batch(CHANNELS, 2, *IMG), wrapper)
    assert torch.isfinite(log_vars['loss'])
    assert int(model.weighter.step) == 2
    assert model.weighter.latest_weights.numel() == 7  # 3 + 2 + 2 terms


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match='num_experts'):
        build('MMoE', num_experts=0)
    with pytest.raises(TypeError, match='FeatureListNet'):
        MODELS.build(dict(type='EncoderStages', backbone=dict(
            EXPERT, model_name='test_efficientnet')))
    with pytest.raises(ValueError, match='out_indices'):
        MODELS.build(dict(type='EncoderStages', backbone=dict(
            EXPERT, out_indices=(4, ))))
