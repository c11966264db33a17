"""DeepLabV3+ blocks and the joint / branched / distilled networks."""
from functools import partial

import pytest
import torch

from mtlw.models import CrossTaskDistillation, DepthNormalization
from mtlw.models.decode_heads import ASPP, DeepLabV3PlusDecoder
from mtlw.models.segmentors.semantic_depth_predictor import check_test_average
from mtlw.models.utils.test_time_augmentation import augmented_maps
from mtlw.registry import MODELS
from tests._fixtures.depth_seg_fixtures import depth_seg_batch

NUM_CLASSES = 5
TASKS = dict(
    seg=dict(channels=NUM_CLASSES,
             loss=dict(type='SoftmaxFocalLoss', gamma=0.0)),
    depth=dict(channels=1, loss=dict(type='DepthRegressionLoss')))
BACKBONE = dict(type='mmpretrain.TIMMBackbone', model_name='resnet18',
                features_only=True, pretrained=False, output_stride=16,
                out_indices=(1, 4))
SMALL = dict(aspp=dict(channels=8), decoder=dict(channels=8, skip_channels=4))


batch = partial(depth_seg_batch, num_classes=NUM_CLASSES)


def build(model_type, **kwargs):
    torch.manual_seed(0)
    return MODELS.build(dict(type=model_type, tasks=TASKS, backbone=BACKBONE,
                             **SMALL, **kwargs))


def test_aspp_keeps_the_size_and_has_five_branches():
    aspp = ASPP(16, channels=8, dilations=(3, 6, 9), se=True)
    assert len(aspp.branches) == 4  # 1x1 + three rates; pooling apart
    assert [m.conv.dilation[0] for m in aspp.branches] == [1, 3, 6, 9]
    assert aspp.project.conv.in_channels == 5 * 8
    assert aspp(torch.rand(1, 16, 4, 8)).shape == (1, 8, 4, 8)
    with pytest.raises(ValueError, match='dilations must be >= 1'):
        ASPP(16, dilations=(0, 6))


def test_decoder_with_and_without_skip():
    decoder = DeepLabV3PlusDecoder(8, 3, skip_in_channels=6, channels=10,
                                   skip_channels=4)
    pred, feat = decoder(torch.rand(2, 8, 2, 4), torch.rand(2, 6, 8, 16))
    assert pred.shape == (2, 3, 8, 16) and feat.shape == (2, 10, 8, 16)
    assert decoder.convs[0].conv.in_channels == 8 + 4
    no_skip = DeepLabV3PlusDecoder(8, 3, channels=10)
    assert no_skip(torch.rand(2, 8, 8, 16))[0].shape == (2, 3, 8, 16)
    with pytest.raises(ValueError, match='built with a skip'):
        decoder(torch.rand(2, 8, 2, 4))
    with pytest.raises(ValueError, match='built without a skip'):
        no_skip(torch.rand(2, 8, 2, 4), torch.rand(2, 6, 8, 16))


def test_distillation_formula_by_hand():
    unit = CrossTaskDistillation(['seg', 'depth'], channels=1)
    with torch.no_grad():
        for conv in list(unit.gates.values()) + list(unit.messages.values()):
            conv.weight.zero_()
            conv.bias.zero_()
        unit.gates['seg'].bias.fill_(1.0)  # G_seg = sigmoid(1)
        unit.gates['depth'].bias.fill_(-2.0)  # G_depth = sigmoid(-2)
        unit.messages['depth_to_seg'].weight[0, 0, 1, 1] = 2.0  # 2 F_depth
        unit.messages['seg_to_depth'].weight[0, 0, 1, 1] = 1.0  # F_seg
    seg, depth = torch.rand(1, 1, 3, 3), torch.rand(1, 1, 3, 3)
    fused = unit(dict(seg=seg, depth=depth))
    sigmoid = torch.sigmoid
    assert torch.allclose(fused['seg'],
                          seg + sigmoid(torch.tensor(1.0)) * 2 * depth)
    assert torch.allclose(fused['depth'],
                          depth + sigmoid(torch.tensor(-2.0)) * seg)
    with pytest.raises(ValueError, match='two or more distinct tasks'):
        CrossTaskDistillation(['seg'], channels=1)


@pytest.mark.parametrize('model_type,keys', [
    ('DeepLabJoint', ['seg.loss_ce', 'depth.loss_berhu']),
    ('DeepLabBranched', ['seg.loss_ce', 'depth.loss_berhu']),
    ('DeepLabDistilled', ['seg.loss_ce_aux0', 'depth.loss_berhu_aux0',
                          'seg.loss_ce', 'depth.loss_berhu']),
])
def test_networks_shapes_losses_and_gradients(model_type, keys):
    model = build(model_type)
    inputs, samples = batch()
    maps = model(inputs, mode='tensor')
    assert maps['seg'].shape == (2, NUM_CLASSES, 32, 64)
    assert maps['depth'].shape == (2, 1, 32, 64)
    losses = model.loss(inputs, samples)
    assert list(losses) == keys
    total, log_vars = model.parse_losses(losses)
    total.backward()
    unused = [name for name, p in model.named_parameters() if p.grad is None]
    assert unused == []
    assert model.backbone.body.timm_model.conv1.weight.grad.abs().sum() > 0


def test_encoder_keeps_stride_16_with_a_dilated_last_stage():
    model = build('DeepLabJoint')
    skip, last = model.backbone(torch.rand(1, 3, 64, 128))
    assert skip.shape[-2:] == (16, 32) and last.shape[-2:] == (4, 8)
    layer4 = model.backbone.body.timm_model.layer4
    assert layer4[1].conv1.dilation == (2, 2)
    assert (model.backbone.skip_channels, model.backbone.out_channels) == (
        64, 512)


def test_auxiliary_tasks_are_refused():
    with pytest.raises(ValueError, match='takes no auxiliary_tasks'):
        build('DeepLabBranched', auxiliary_tasks=dict(
            normal=dict(channels=3, loss=dict(type='NormalCosineLoss'))))


def test_joint_head_predicts_every_channel_at_once():
    model = build('DeepLabJoint')
    assert model.head.decoder.predict.out_channels == NUM_CLASSES + 1


def test_joint_without_aspp_and_skip():
    # Argenziano and Pagani's model before their section 1.3: a 1x1 conv
    # in place of ASPP, no stride-4 skip, no dilation (output stride 32).
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='DeepLabJoint', tasks=TASKS, aspp=None, skip=False,
        decoder=dict(channels=8, skip_channels=4),
        backbone=dict(BACKBONE, output_stride=32)))
    assert model.head.aspp.conv.kernel_size == (1, 1)
    assert model.head.aspp.conv.out_channels == 256
    assert model.head.decoder.skip is None
    inputs, samples = batch()
    skip, last = model.backbone(inputs)
    assert last.shape[-2:] == (1, 2)  # stride 32
    _, features = model.head(last, skip)
    assert features.shape[-2:] == (1, 2)  # the skip is not used
    maps = model(inputs, mode='tensor')
    assert maps['depth'].shape == (2, 1, 32, 64)
    total, _ = model.parse_losses(model.loss(inputs, samples))
    total.backward()
    assert all(p.grad is not None for p in model.parameters())


@pytest.mark.slow
def test_distilled_final_depth_loss_reaches_the_seg_branch():
    model = build('DeepLabDistilled')
    inputs, samples = batch()
    model.loss(inputs, samples)['depth.loss_berhu'].backward()
    seg_first = model.heads['seg'].decoder.predict.weight
    assert seg_first.grad is None  # first seg predictions: seg loss only
    seg_features = model.heads['seg'].decoder.convs[0].conv.weight.grad
    assert seg_features.abs().sum() > 0  # through the distillation


def test_squeeze_excitation_options_build_and_run():
    model = MODELS.build(dict(
        type='DeepLabBranched', tasks=TASKS, backbone=BACKBONE,
        aspp=dict(channels=16, se=True),
        decoder=dict(channels=16, skip_channels=4, se=True)))
    assert type(model.heads['seg'].aspp.se).__name__ == 'SELayer'
    assert model(batch()[0], mode='tensor')['depth'].shape == (2, 1, 32, 64)


def test_predictions_are_mapped_back_to_metres():
    norm = dict(type='DepthNormalization', method='log', min_depth=1.0,
                max_depth=50.0)
    model = build('DeepLabBranched', depth_normalization=norm).eval()
    inputs, samples = batch()
    with torch.no_grad():
        raw = model(inputs, mode='tensor')['depth']
        predicted = model.predict(inputs, samples)
    expected = DepthNormalization('log', min_depth=1.0,
                                  max_depth=50.0).inverse(raw)
    assert torch.allclose(predicted[1].pred_depth_map.data, expected[1])
    assert predicted[0].pred_sem_seg.data.shape == (1, 32, 64)


@pytest.mark.slow
def test_depth_loss_is_computed_on_normalised_depth():
    norm = dict(type='DepthNormalization', mean=5.0, std=2.0)
    model = build('DeepLabBranched', depth_normalization=norm)
    inputs, samples = batch()
    raw = model(inputs, mode='tensor')['depth']
    target = torch.stack([s.gt_depth_map.data for s in samples])
    residual = raw - (target - 5.0) / 2.0
    c = 0.2 * residual.abs().max()
    berhu = torch.where(residual.abs() <= c, residual.abs(),
                        (residual ** 2 + c ** 2) / (2 * c))
    got = model.loss(inputs, samples)['depth.loss_berhu']
    assert got.item() == pytest.approx(berhu.mean().item(), rel=1e-5)
    with pytest.raises(ValueError, match='logarithms of metric depth'):
        MODELS.build(dict(type='DeepLabBranched', backbone=BACKBONE, **SMALL,
                          depth_normalization=norm, tasks=dict(
                              depth=dict(channels=1, loss=dict(
                                  type='DepthSILogLoss')))))


def test_augmented_maps_average_scales_and_flips_on_device():
    image = torch.arange(2 * 3 * 4 * 6, dtype=torch.float32).view(2, 3, 4, 6)

    def predict(x):
        normal = torch.stack([x[:, 0], x[:, 1], x[:, 2]], dim=1)
        return dict(depth=x[:, :1] * 2, normal=normal)

    kinds = dict(depth='depth', normal='normal')
    once = augmented_maps(predict, image, (1.0, ), True, kinds)
    # the mirrored prediction is mirrored back: the average is the original
    assert torch.allclose(once['depth'], image[:, :1] * 2)
    # a mirrored normal map has its x negated, so x averages to 0
    assert torch.allclose(once['normal'][:, 0], torch.zeros(2, 4, 6))
    assert torch.allclose(once['normal'][:, 1:], image[:, 1:])
    constant = torch.full((1, 3, 4, 6), 3.0)
    scaled = augmented_maps(predict, constant, (0.5, 1.0, 2.0), False,
                            kinds)
    assert scaled['depth'].shape == (1, 1, 4, 6)
    assert torch.allclose(scaled['depth'], torch.full((1, 1, 4, 6), 6.0))
    with pytest.raises(ValueError, match='positive factors'):
        augmented_maps(predict, constant, (0.0, ), False, kinds)


def test_augmented_maps_average_depth_by_hand_and_keep_plain_seg():
    # one row [0, 8] repeated: x2 bilinear up then down (align_corners
    # False) gives [0.875 a + 0.125 b, 0.125 a + 0.875 b] = [1, 7]
    image = torch.tensor([0.0, 8.0]).expand(1, 3, 2, 2).contiguous()

    def predict(x):
        return dict(depth=2 * x[:, :1], seg=3 * x[:, :2] + 1)

    kinds = dict(depth='depth', seg='seg')
    maps = augmented_maps(predict, image, (1.0, 2.0), False, kinds,
                          averaged=('depth', ))
    # depth: mean of [0, 16] and [2, 14]
    expected = torch.tensor([1.0, 15.0]).expand(1, 1, 2, 2)
    assert torch.allclose(maps['depth'], expected)
    # segmentation: the plain view's map, not averaged
    assert torch.equal(maps['seg'], 3 * image[:, :2] + 1)
    averaged = augmented_maps(predict, image, (1.0, 2.0), False, kinds)
    assert torch.allclose(averaged['seg'][0, 0, 0],
                          torch.tensor([2.5, 23.5]))
    with pytest.raises(ValueError, match='need scale 1'):
        augmented_maps(predict, image, (0.5, 2.0), False, kinds,
                       averaged=('depth', ))


def test_test_average_is_checked_against_the_tasks_and_scales():
    tasks = dict(seg=None, depth=None)
    assert check_test_average(None, tasks, (0.5, )) is None
    assert check_test_average(['depth'], tasks, (1.0, 2.0)) == ('depth', )
    with pytest.raises(ValueError, match=r"does not have: \['normal'\]"):
        check_test_average(['normal'], tasks, (1.0, ))
    with pytest.raises(ValueError, match='test_scales needs 1.0'):
        check_test_average(['depth'], tasks, (0.5, 2.0))


@pytest.mark.slow
def test_model_averages_only_the_named_tasks():
    model = build('DeepLabJoint', test_scales=(1.0, 0.5, 2.0, 3.0),
                  test_average=('depth', )).eval()
    inputs, _ = batch()
    with torch.no_grad():
        plain = model.metric_maps(inputs)
        augmented = model.test_maps(inputs)
    assert torch.equal(augmented['seg'], plain['seg'])
    assert not torch.allclose(augmented['depth'], plain['depth'])


@pytest.mark.slow
def test_model_test_time_augmentation_runs_at_the_input_size():
    model = build('DeepLabJoint', test_scales=(0.75, 1.0, 1.5),
                  test_flip=True).eval()
    inputs, samples = batch()
    with torch.no_grad():
        plain = model.metric_maps(inputs)
        augmented = model.test_maps(inputs)
        out = model.predict(inputs, samples)
    assert augmented['seg'].shape == plain['seg'].shape
    assert not torch.allclose(augmented['depth'], plain['depth'])
    assert out[0].pred_depth_map.data.shape == (1, 32, 64)
