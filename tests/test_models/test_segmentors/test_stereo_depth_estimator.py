"""DisparityDecoder, StereoDataPreprocessor and StereoDepthEstimator."""
import pytest
import torch
from mmengine.optim import OptimWrapper
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mtlw.models.segmentors.stereo_depth_estimator import (disparity_to_depth,
                                                           edge_ramp_mask,
                                                           flip_post_process)
from mtlw.registry import MODELS

TINY = dict(
    type='StereoDepthEstimator',
    backbone=dict(type='mmpretrain.TIMMBackbone', model_name='resnet18',
                  features_only=True, pretrained=False),
    decode_head=dict(type='DisparityDecoder',
                     in_channels=[64, 64, 128, 256, 512],
                     channels=[16, 8, 8, 8, 8]))


def features(batch=1, height=32, width=64, channels=(4, 6, 8, 10, 12)):
    return [torch.rand(batch, c, height >> (i + 1), width >> (i + 1))
            for i, c in enumerate(channels)]


def test_decoder_gives_disparities_finest_first_in_range():
    decoder = MODELS.build(dict(type='DisparityDecoder',
                                in_channels=[4, 6, 8, 10, 12],
                                channels=[8, 8, 4, 4, 4]))
    disps = decoder(features(batch=2))
    assert [tuple(d.shape) for d in disps] == [
        (2, 2, 32, 64), (2, 2, 16, 32), (2, 2, 8, 16), (2, 2, 4, 8)]
    assert all(((d > 0) & (d < 0.3)).all() for d in disps)
    # Godard's names: the stride-8 iconv4 feeds the coarsest head, disp4
    assert decoder.iconv4.conv.in_channels == 8 + 8  # upconv4 + stride-8 skip
    assert decoder.iconv3.conv.in_channels == 4 + 6 + 2  # + upsampled disp4
    assert not hasattr(decoder, 'disp5')


def test_decoder_single_scale_with_two_extra_convs():
    decoder = MODELS.build(dict(type='DisparityDecoder',
                                in_channels=[4, 6, 8, 10, 12],
                                channels=[8, 8, 4, 4, 4], num_scales=1,
                                num_extra_convs=2))
    disps = decoder(features())
    assert [tuple(d.shape) for d in disps] == [(1, 2, 32, 64)]
    assert len(decoder.extra_convs) == 2
    assert not hasattr(decoder, 'disp2')
    assert decoder.iconv2.conv.in_channels == 4 + 4  # no disparity skip


def test_decoder_errors():
    with pytest.raises(ValueError, match='one width per encoder feature'):
        MODELS.build(dict(type='DisparityDecoder', in_channels=[4, 6],
                          channels=[8]))
    with pytest.raises(ValueError, match=r'num_scales must be in \[1, 2\]'):
        MODELS.build(dict(type='DisparityDecoder', in_channels=[4, 6],
                          channels=[8, 8], num_scales=3))
    decoder = MODELS.build(dict(type='DisparityDecoder', in_channels=[4, 6],
                                channels=[8, 8], num_scales=2))
    with pytest.raises(ValueError, match=r'expects encoder channels \[4, 6\]'
                                         r', got \[4, 5\]'):
        decoder(features(channels=(4, 5)))


def test_flip_post_process_uses_ramps_at_the_borders():
    width = 41  # x = 0, 0.025, ..., 1
    ramp = edge_ramp_mask(width)
    assert ramp[:3].tolist() == [1, 1, 1]  # x <= 0.05
    assert ramp[3].item() == pytest.approx(1 - 20 * (0.075 - 0.05))
    assert ramp[4:].tolist() == [0] * (width - 4)  # x >= 0.1
    disp = torch.full((1, width), 2.0)
    flipped = torch.arange(width, dtype=torch.float).view(1, width)
    back = flipped.flip(-1)  # 40, 39, ..., 0
    out = flip_post_process(disp, flipped)[0]
    # left border: the flipped prediction; right border: the original
    assert out[0].item() == back[0, 0].item() == 40
    assert out[-1].item() == 2.0
    assert out[3].item() == pytest.approx(
        ramp[3].item() * 37 + (1 - ramp[3].item()) * (2 + 37) / 2)
    assert out[20].item() == pytest.approx((2 + 20) / 2)


def test_disparity_to_depth():
    depth = disparity_to_depth(torch.tensor([0.1, 0.01]), focal=720.0,
                               baseline=0.54, width=1242)
    assert depth.tolist() == pytest.approx(
        [0.54 * 720 / 124.2, 0.54 * 720 / 12.42], rel=1e-6)


def test_zero_disparity_scores_as_the_minimum_depth_like_the_authors():
    from mtlw.evaluation import PerImageDepthMetric

    # 0 px and 10 px of disparity in an image 100 px wide
    depth = disparity_to_depth(torch.tensor([[[0.0, 0.1]]]), focal=720.0,
                               baseline=0.54, width=100)
    assert depth.flatten().tolist() == pytest.approx([0.0, 38.88])
    gt = torch.tensor([[[10.0, 40.0]]])
    errors = PerImageDepthMetric(min_depth=1e-3, max_depth=80.0).image_errors(
        depth, gt)
    # the authors' code: inf -> 0 -> clipped up to min_depth = 1e-3 m
    assert errors['abs_rel'] == pytest.approx(
        ((10 - 1e-3) / 10 + (40 - 38.88) / 40) / 2)
    assert errors['delta1'] == 0.5  # a far (80 m) depth would fail it too


def stereo_batch(batch=2, height=64, width=128, ori_shape=None):
    torch.manual_seed(0)
    inputs, samples = [], []
    for _ in range(batch):
        inputs.append(torch.randint(0, 256, (3, height, width),
                                    dtype=torch.uint8))
        sample = SegDataSample()
        sample.img_right = PixelData(
            data=torch.randint(0, 256, (3, height, width)).float())
        sample.set_metainfo(dict(focal=50.0, baseline=0.5,
                                 ori_shape=ori_shape or (height, width)))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


def test_preprocessor_normalises_both_views_alike():
    pre = MODELS.build(dict(type='StereoDataPreprocessor', bgr_to_rgb=True))
    data = stereo_batch(height=4, width=6)
    left0 = data['inputs'][0].float()
    right0 = data['data_samples'][0].img_right.data.clone()
    out = pre(data)
    assert out['inputs'].shape == (2, 3, 4, 6)
    assert torch.allclose(out['inputs'][0], left0.flip(0) / 255)
    assert torch.allclose(out['data_samples'][0].img_right.data,
                          right0.flip(0) / 255)


def test_estimator_losses_and_a_gradnorm_step_at_iconv4():
    model = MODELS.build(dict(TINY, weighter=dict(type='GradNorm'),
                              shared='decode_head.iconv4'))
    data = model.data_preprocessor(stereo_batch(), True)
    losses = model(**data, mode='loss')
    assert len(losses) == 32
    assert all(name.startswith('depth.loss_') for name in losses)
    assert 'depth.loss_smooth_s3_r' in losses
    optim = OptimWrapper(torch.optim.Adam(model.parameters(), lr=1e-4))
    log_vars = model.train_step(stereo_batch(), optim)
    assert torch.isfinite(log_vars['loss'])
    with pytest.raises(KeyError, match=r'data samples \[0, 1\] have no '
                                       r'img_right'):
        model.loss(data['inputs'], [SegDataSample(), SegDataSample()])


def test_estimator_predicts_depth_at_the_original_size():
    model = MODELS.build(TINY).eval()
    data = stereo_batch(ori_shape=(40, 100))
    with torch.no_grad():
        samples = model.test_step(data)
    sample = samples[0]
    disp_px = sample.pred_disp_map.data
    assert disp_px.shape == sample.pred_depth_map.data.shape == (1, 40, 100)
    # disparity in pixels of the 100 px wide original; depth = b f / d
    assert torch.allclose(sample.pred_depth_map.data, 0.5 * 50 / disp_px,
                          rtol=1e-5)
    assert 0 < disp_px.max() < 0.3 * 100
    # post-processing is the ramp blend of the image's and its mirror's
    plain = MODELS.build(dict(TINY, post_process=False))
    plain.load_state_dict(model.state_dict())
    with torch.no_grad():
        inputs = model.data_preprocessor(stereo_batch())['inputs']
        both = model.disparities(torch.cat([inputs, inputs.flip(-1)]))[0]
        want = flip_post_process(both[:2, :1], both[2:, :1])
        got = model.predict(inputs, stereo_batch()['data_samples'])
        single = plain.eval().predict(inputs, stereo_batch()['data_samples'])
    assert torch.allclose(got[0].pred_disp_map.data, want[0] * 128)
    assert torch.allclose(single[0].pred_disp_map.data, both[0, :1] * 128)


def test_estimator_errors():
    with pytest.raises(ValueError, match='loss num_scales=1 and decode_head '
                                         'num_scales=4 differ'):
        MODELS.build(dict(TINY, loss=dict(type='MonodepthLoss', num_scales=1)))
    model = MODELS.build(TINY)
    with pytest.raises(ValueError, match=r'input size \(48, 100\) must be a '
                                         r'multiple of 32'):
        model(torch.rand(1, 3, 48, 100))
    sample = SegDataSample()
    with pytest.raises(KeyError, match=r"lacks \['baseline', 'focal'\]"):
        model.eval().predict(torch.rand(1, 3, 32, 64), [sample])
