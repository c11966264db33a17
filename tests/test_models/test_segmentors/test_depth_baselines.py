"""The depth-only baselines of Jiao et al.'s supplementary Table 8: SegNet
("EncDec") and FCRN (Laina et al., 3DV 2016)."""
import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mtlw.models.segmentors import FCRN, SegNetPredictor

DEPTH = dict(depth=dict(channels=1, value_range=(1e-3, 10.0), loss=dict(
    type='DepthRegressionLoss', penalty='berhu')))
RESNET50 = dict(type='TimmEncoder', model_name='resnet50', pretrained=False,
                out_indices=(4, ))
RESNET18 = dict(RESNET50, model_name='resnet18')


def parameters(module):
    return sum(p.numel() for p in module.parameters())


def conv_bn(c_in, c_out, k):
    """A k x k conv without bias and its batch norm."""
    return k * k * c_in * c_out + 2 * c_out


def test_fcrn_decoder_parameters_by_formula():
    """Laina et al. with ResNet-50: a 1x1 conv 2048 -> 1024 + BN, four
    up-projections to 512, 256, 128, 64 (5x5 + BN, 3x3 + BN, 5x5 + BN each)
    and a 3x3 conv to one channel with bias."""
    model = FCRN(DEPTH, backbone=RESNET50)
    expected = conv_bn(2048, 1024, 1)
    for c_in, c_out in [(1024, 512), (512, 256), (256, 128), (128, 64)]:
        expected += (conv_bn(c_in, c_out, 5) + conv_bn(c_out, c_out, 3) +
                     conv_bn(c_in, c_out, 5))
    expected += 9 * 64 + 1
    decoder = parameters(model) - parameters(model.backbone)
    assert decoder == expected


def test_fcrn_predicts_at_half_size_then_at_the_input_size():
    torch.manual_seed(0)
    model = FCRN(DEPTH, backbone=RESNET18, channels=(32, 16, 16, 8, 8))
    inputs = torch.rand(2, 3, 64, 96)
    assert model.forward_outputs(inputs)['depth'].shape == (2, 1, 32, 48)
    assert model(inputs, mode='tensor')['depth'].shape == (2, 1, 64, 96)


def test_fcrn_shares_its_last_conv_between_tasks():
    tasks = dict(DEPTH, seg=dict(channels=3, loss=dict(
        type='SoftmaxFocalLoss', gamma=2.0)))
    model = FCRN(tasks, backbone=RESNET18, channels=(8, 4))
    assert model.pred.out_channels == 4
    maps = model.forward_outputs(torch.rand(1, 3, 64, 64))
    assert maps['depth'].shape == (1, 1, 4, 4)  # one up-projection: 1/16
    assert maps['seg'].shape == (1, 3, 4, 4)


@pytest.mark.parametrize('channels', [(), (8, ), (8, 0), [8, 2.0]])
def test_fcrn_rejects_bad_widths(channels):
    with pytest.raises(ValueError, match='FCRN channels must be two or more'):
        FCRN(DEPTH, backbone=RESNET18, channels=channels)


def test_segnet_predictor_parameters_by_formula():
    """VGG-16's 13 convs (14,714,688 parameters with biases) and their BN,
    the mirrored decoder of the SegNet backbone, a 3x3 conv to depth."""
    model = SegNetPredictor(DEPTH)
    decoder_convs = [(512, 512)] * 3 + [(512, 256)] + [(256, 256)] * 2 + [
        (256, 128)] + [(128, 128)] * 2 + [(128, 64), (64, 64), (64, 64),
                                          (64, 64)]
    widths = [64] * 2 + [128] * 2 + [256] * 3 + [512] * 6
    expected = 14_714_688 + 2 * sum(widths)
    expected += sum(9 * c_in * c_out + 3 * c_out  # bias + BN
                    for c_in, c_out in decoder_convs)
    expected += 9 * 64 + 1
    assert parameters(model) == expected


def test_segnet_predictor_trains_on_depth_at_full_size():
    torch.manual_seed(0)
    model = SegNetPredictor(
        DEPTH, backbone=dict(type='SegNet', channels=(4, 8, 8)),
        weighter=dict(type='StaticWeighting',
                      weights={'depth.loss_berhu': 1.0}))
    model.init_weights()
    inputs = torch.rand(2, 3, 32, 48)
    assert model.forward_outputs(inputs)['depth'].shape == (2, 1, 32, 48)
    samples = []
    for _ in range(2):
        sample = SegDataSample()
        sample.gt_depth_map = PixelData(data=torch.rand(1, 32, 48) * 5 + 1)
        samples.append(sample)
    losses = model.loss(inputs, samples)
    assert list(losses) == ['depth.loss_berhu']
    total, _ = model.parse_losses(losses)
    total.backward()
    assert model.heads['depth'].weight.grad.abs().sum() > 0
    assert model.backbone.encoder_first[0][0].weight.grad.abs().sum() > 0
    predicted = model.predict(inputs)
    depth = predicted[0].pred_depth_map.data
    assert depth.shape == (1, 32, 48) and (depth >= 1e-3).all()
