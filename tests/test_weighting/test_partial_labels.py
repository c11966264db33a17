"""Weak supervision: partial-label batches with every weighter."""
import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mtlw.registry import MODELS, WEIGHTERS
from mtlw.models.utils import labelled_samples
from mtlw.utils.host_reads import HostReadCounter

TASKS = dict(
    seg=dict(channels=4, loss=dict(type='SoftmaxFocalLoss', gamma=0.0)),
    depth=dict(channels=1, loss=dict(type='DepthRegressionLoss')))
BACKBONE = dict(type='mmpretrain.TIMMBackbone', model_name='resnet18',
                features_only=True, pretrained=False, output_stride=16,
                out_indices=(1, 4))
WEIGHTERS_UNDER_TEST = [
    dict(type='StaticWeighting', normalize=True),
    dict(type='CoVWeighting'),
    dict(type='CoVWeighting', mean_decay=0.9),
    dict(type='UncertaintyWeighting', num_losses=2),
    dict(type='GradNorm', alpha=1.5),
    dict(type='MGDA', mode='representation'),
    dict(type='DWA', period=2),
    dict(type='GLS'),
    dict(type='LossScaleBalancing', period=2),
    dict(type='RLW'),
    dict(type='FAMO'),
]


def samples(seg_labelled, depth_labelled, height=32, width=64, seed=0):
    """One sample per flag pair; an unlabelled map is all-invalid."""
    generator = torch.Generator().manual_seed(seed)
    out = []
    for has_seg, has_depth in zip(seg_labelled, depth_labelled):
        labels = torch.randint(0, 4, (1, height, width), generator=generator)
        depth = torch.rand(1, height, width, generator=generator) * 9 + 1
        sample = SegDataSample()
        sample.gt_sem_seg = PixelData(
            data=labels if has_seg else torch.full_like(labels, 255))
        sample.gt_depth_map = PixelData(
            data=depth if has_depth else torch.zeros_like(depth))
        out.append(sample)
    return out


def build(weighter):
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='DeepLabBranched', tasks=TASKS, backbone=BACKBONE,
        aspp=dict(channels=8), decoder=dict(channels=8, skip_channels=4),
        partial_labels=True, weighter=weighter, shared='backbone'))


def step(model, data_samples, seed=0):
    model.zero_grad()
    inputs = torch.rand(len(data_samples), 3, 32, 64,
                        generator=torch.Generator().manual_seed(seed))
    total, log_vars = model.parse_losses(
        model(inputs, data_samples, mode='loss'))
    total.backward()
    return total, log_vars


def grad_sum(module):
    return sum(float(p.grad.abs().sum()) for p in module.parameters()
               if p.grad is not None)


def state(module):
    return {key: value.clone() for key, value in module.state_dict().items()}


@pytest.mark.slow
@pytest.mark.parametrize('weighter', WEIGHTERS_UNDER_TEST,
                         ids=lambda cfg: str(cfg.get('mean_decay') or
                                             cfg['type']))
def test_a_task_without_labels_leaves_the_weighter_untouched(weighter):
    model = build(weighter)
    for seed in range(2):  # full steps: the statistics move
        total, _ = step(model, samples([1, 1], [1, 1], seed=seed), seed)
        assert torch.isfinite(total)
    before = state(model.weighter)
    total, log_vars = step(model, samples([0, 0], [1, 1], seed=5), 5)
    assert torch.isfinite(total)
    assert log_vars['seg.labelled'] == 0 and log_vars['depth.labelled'] == 2
    assert log_vars['seg.loss_ce'] == 0  # the key stays, at 0
    after = model.weighter.state_dict()
    for key, value in before.items():
        assert torch.equal(value, after[key]), key
    assert int(model.weighter.step) == 2
    # the unlabelled branch gets no gradient, the labelled one does
    assert grad_sum(model.heads['seg']) == 0
    assert grad_sum(model.heads['depth']) > 0
    assert grad_sum(model.weighter) == 0  # learnable weights stay put
    assert all(torch.isfinite(w) for w in model.weighter.latest_weights)
    # a full step afterwards counts again
    step(model, samples([1, 1], [1, 1], seed=7), 7)
    assert int(model.weighter.step) == 3


def test_unlabelled_samples_add_no_loss_and_no_gradient():
    model = build(dict(type='StaticWeighting')).eval()
    mixed = samples([0, 1], [1, 0])
    inputs = torch.rand(2, 3, 32, 64).requires_grad_()
    losses = model.loss(inputs, mixed)
    with torch.no_grad():
        depth_only = model.loss(inputs[:1], mixed[:1])
        seg_only = model.loss(inputs[1:], mixed[1:])
    assert losses['depth.loss_berhu'].item() == pytest.approx(
        depth_only['depth.loss_berhu'].item(), rel=1e-5)
    assert losses['seg.loss_ce'].item() == pytest.approx(
        seg_only['seg.loss_ce'].item(), rel=1e-5)
    seg_grad, = torch.autograd.grad(losses['seg.loss_ce'], inputs,
                                    retain_graph=True)
    assert seg_grad[0].abs().sum() == 0 and seg_grad[1].abs().sum() > 0
    depth_grad, = torch.autograd.grad(losses['depth.loss_berhu'], inputs)
    assert depth_grad[1].abs().sum() == 0 and depth_grad[0].abs().sum() > 0


def test_labelled_samples_by_kind():
    labels = torch.full((3, 2, 2), 255)
    labels[1, 0, 0] = 3
    assert labelled_samples('seg', labels).tolist() == [False, True, False]
    depth = torch.zeros(3, 1, 2, 2)
    depth[2, 0, 1, 1] = 4.0
    assert labelled_samples('depth', depth).tolist() == [False, False, True]


def test_weigh_partial_by_hand():
    weighter = WEIGHTERS.build(dict(type='StaticWeighting',
                                    weights={'a.loss': 2.0, 'b.loss': 3.0}))
    a = torch.tensor(1.5, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    total, weights = weighter({'a.loss': a, 'b.loss': b},
                              present={'a.loss': True, 'b.loss': False})
    assert total.item() == pytest.approx(2.0 * 1.5)
    assert weights['b.loss'].item() == 3.0
    total.backward()
    assert a.grad.item() == 2.0 and b.grad.item() == 0.0
    assert weighter.training and int(weighter.step) == 0


def test_absent_terms_are_shown_at_their_last_observed_value():
    """CoV's weights at a partial step come from the frozen statistics with
    the absent loss at its value of the last training step."""
    weighter = WEIGHTERS.build(dict(type='CoVWeighting'))
    for a, b in ((2.0, 4.0), (1.0, 3.0), (0.5, 1.0)):
        weighter({'a.loss': torch.tensor(a), 'b.loss': torch.tensor(b)})
    state = {k: v.clone() for k, v in weighter.state_dict().items()}
    _, frozen = weighter(
        {'a.loss': torch.tensor(0.25), 'b.loss': torch.tensor(0.0)},
        present={'a.loss': True, 'b.loss': False})
    for key, value in weighter.state_dict().items():
        assert torch.equal(value, state[key]), key
    reference = WEIGHTERS.build(dict(type='CoVWeighting'))
    reference.load_state_dict(state)
    reference.eval()
    _, expected = reference(
        {'a.loss': torch.tensor(0.25), 'b.loss': torch.tensor(1.0)})
    for name in expected:
        assert frozen[name].item() == pytest.approx(expected[name].item())


def test_partial_labels_come_from_the_base_of_every_multitask_net():
    """The counts and the frozen step come from MultiTaskDensePredictor and
    the weighting side; no model overrides parse_losses."""
    from mtlw.models import MultiTaskDensePredictor
    from mtlw.weighting import WeightedLossMixin
    for name in ('DeepLabJoint', 'DeepLabBranched', 'DeepLabDistilled',
                 'SynergyNet', 'PixelwiseMultiTaskNet'):
        cls = MODELS.get(name)
        assert issubclass(cls, MultiTaskDensePredictor)
        assert cls.parse_losses is WeightedLossMixin.parse_losses


#: Rules without learnable parameters, a shared module or a host
#: generator: those whose partial-label steps are decided on the device
#: under the sync-free runtime.
ON_DEVICE = [cfg for cfg in WEIGHTERS_UNDER_TEST
             if cfg['type'] not in ('UncertaintyWeighting', 'GradNorm',
                                    'MGDA', 'RLW')]
#: Full and partial steps (seg labelled, depth labelled per sample).
PATTERN = [([1, 1], [1, 1]), ([1, 0], [0, 1]), ([0, 0], [1, 1]),
           ([1, 1], [1, 1]), ([1, 1], [0, 0]), ([1, 1], [1, 1])]


def steps_on(model):
    """Totals, weights, gradients and weighter states over PATTERN."""
    out = []
    for seed, (seg, depth) in enumerate(PATTERN):
        total, _ = step(model, samples(seg, depth, seed=seed), seed)
        out.append((total.detach(), model.weighter.latest_weights.clone(),
                    [p.grad.clone() for p in model.heads.parameters()
                     if p.grad is not None], state(model.weighter)))
    return out


@pytest.mark.parametrize('weighter', ON_DEVICE,
                         ids=lambda cfg: str(cfg.get('mean_decay') or
                                             cfg['type']))
def test_partial_steps_decided_on_the_device_equal_the_host_path(weighter):
    host = build(weighter)
    device = build(weighter)
    device.weighter.defer_nonfinite = True  # set by the sync-free runtime
    assert device.weighter.weighs_partial_on_device
    assert not host.weighter.weighs_partial_on_device
    expected = steps_on(host)
    counter = HostReadCounter()
    with counter:
        got = steps_on(device)
    for (total, weights, grads, saved), (ref_total, ref_weights, ref_grads,
                                         ref_saved) in zip(got, expected):
        torch.testing.assert_close(total, ref_total)
        torch.testing.assert_close(weights, ref_weights)
        for grad, ref in zip(grads, ref_grads):
            torch.testing.assert_close(grad, ref)
        for key, value in ref_saved.items():
            if key != 'first_nonfinite':
                torch.testing.assert_close(saved[key], value, msg=key)
    weighter_reads = [read for read in counter.reads
                      if 'mtlw/weighting/' in read.source]
    assert weighter_reads == []


@pytest.mark.parametrize('weighter', [
    dict(type='RLW'), dict(type='UncertaintyWeighting', num_losses=2),
    dict(type='HierarchicalWeighting', groups=dict(seg='^seg', depth='^d'),
         inner=dict(type='CoVWeighting'), outer=dict(type='RLW'))],
    ids=['RLW', 'Uncertainty', 'Hierarchical(RLW)'])
def test_host_generators_and_learnable_weights_keep_the_host_decision(
        weighter):
    model = build(weighter)
    model.weighter.defer_nonfinite = True
    assert not model.weighter.weighs_partial_on_device
