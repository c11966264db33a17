"""MonodepthLoss and its photometric helpers against hand-computed values."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mtlw.models.losses import MonodepthLoss, monodepth_loss_names
from mtlw.models.losses.photometric import (edge_aware_smoothness,
                                            shift_horizontally,
                                            ssim_dissimilarity,
                                            warp_left_to_right,
                                            warp_right_to_left)
from mtlw.registry import MODELS


def row(values):
    return torch.tensor(values, dtype=torch.float64).view(1, 1, 1, -1)


def shifted(image, disp, **kwargs):
    return shift_horizontally(image, disp, **kwargs).flatten().tolist()


def test_shift_is_bilinear_with_zero_padding_by_default():
    image = row([1., 2., 3., 4., 5.])
    one_pixel = torch.full_like(image, 1 / 5)
    assert shifted(image, one_pixel) == pytest.approx([2, 3, 4, 5, 0])
    # half a pixel past the last pixel: halfway between 5 and the zero pad
    assert shifted(image, one_pixel / 2) == pytest.approx(
        [1.5, 2.5, 3.5, 4.5, 2.5])
    assert shifted(image, -3 * one_pixel) == pytest.approx([0, 0, 0, 1, 2])
    # left estimate = right(x - d_l); right estimate = left(x + d_r)
    assert warp_right_to_left(image, one_pixel).flatten().tolist() == \
        pytest.approx([0, 1, 2, 3, 4])
    assert warp_left_to_right(image, 2 * one_pixel).flatten().tolist() == \
        pytest.approx([3, 4, 5, 0, 0])
    with pytest.raises(ValueError, match=r'\(B, 1, H, W\) matching image'):
        shift_horizontally(image, torch.zeros(1, 2, 1, 5))


def test_shift_with_border_padding_repeats_the_edge_pixel():
    image = row([1., 2., 3., 4., 5.])
    one_pixel = torch.full_like(image, 1 / 5)
    assert shifted(image, one_pixel, padding_mode='border') == \
        pytest.approx([2, 3, 4, 5, 5])
    assert shifted(image, one_pixel / 2, padding_mode='border') == \
        pytest.approx([1.5, 2.5, 3.5, 4.5, 5])
    assert warp_right_to_left(image, one_pixel, 'border').flatten(
    ).tolist() == pytest.approx([1, 1, 2, 3, 4])
    with pytest.raises(ValueError, match=r"padding_mode must be one of "
                       r"\('zeros', 'border'\), got 'reflection'"):
        shifted(image, one_pixel, padding_mode='reflection')
    with pytest.raises(ValueError, match="got 'edge'"):
        MonodepthLoss(padding_mode='edge')


def ssim_by_hand(x, y, c1=0.01 ** 2, c2=0.03 ** 2):
    """SSIM of two 3x3 windows from the formula, in plain Python."""
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    vx = sum(a * a for a in x) / n - mx * mx
    vy = sum(b * b for b in y) / n - my * my
    cxy = sum(a * b for a, b in zip(x, y)) / n - mx * my
    return ((2 * mx * my + c1) * (2 * cxy + c2)) / (
        (mx * mx + my * my + c1) * (vx + vy + c2))


def test_ssim_dissimilarity_of_one_window():
    x = [0.1, 0.5, 0.9, 0.3, 0.2, 0.8, 0.4, 0.6, 0.7]
    y = [0.2, 0.4, 0.8, 0.1, 0.3, 0.9, 0.5, 0.5, 0.6]
    got = ssim_dissimilarity(torch.tensor(x).view(1, 1, 3, 3),
                             torch.tensor(y).view(1, 1, 3, 3))
    assert got.shape == (1, 1, 1, 1)
    assert got.item() == pytest.approx((1 - ssim_by_hand(x, y)) / 2, rel=1e-5)
    same = torch.rand(1, 3, 5, 6)
    assert ssim_dissimilarity(same, same).abs().max() < 1e-5


def test_edge_aware_smoothness_by_hand():
    disp = torch.tensor([[0., 1., 3.], [2., 2., 2.]]).view(1, 1, 2, 3)
    # two channels; the mean over channels of |dI| weighs each difference
    image = torch.tensor([[[0., 0., 1.], [0., 0., 0.]],
                          [[0., 2., 1.], [1., 0., 0.]]]).view(1, 2, 2, 3)
    e = np.exp
    # x differences: row 0 (|0-1|, |1-3|), row 1 (0, 0);
    # image |dx| channel means: row 0 ((0+2)/2, (1+1)/2), row 1 ((0+1)/2, 0)
    smooth_x = (1 * e(-1) + 2 * e(-1) + 0 + 0) / 4
    # y differences: |0-2|, |1-2|, |3-2|; image |dy| means: 1/2, 1, 1
    smooth_y = (2 * e(-0.5) + 1 * e(-1) + 1 * e(-1)) / 3
    assert edge_aware_smoothness(disp, image).item() == pytest.approx(
        smooth_x + smooth_y, rel=1e-6)


# --- the full loss against a numpy reference written from the definitions --

def np_sample(src, pixel_shift, padding_mode):
    """src[y, x + shift[y, x]] for integer shifts; outside the image 0
    (``'zeros'``) or the edge pixel (``'border'``)."""
    _, h, w = src.shape
    cols = np.arange(w)[None] + pixel_shift
    inside = (cols >= 0) & (cols < w)
    cols = np.clip(cols, 0, w - 1).astype(int)
    rows = np.arange(h)[:, None]
    keep = inside if padding_mode == 'zeros' else np.ones_like(inside)
    return np.stack([np.where(keep, channel[rows, cols], 0.0)
                     for channel in src])


def np_ssim_loss(x, y):
    c, h, w = x.shape
    values = [(1 - ssim_by_hand(x[k, i:i + 3, j:j + 3].ravel().tolist(),
                                y[k, i:i + 3, j:j + 3].ravel().tolist())) / 2
              for k in range(c) for i in range(h - 2) for j in range(w - 2)]
    return np.mean(np.clip(values, 0, 1))


def np_smooth(disp, image):
    gx = np.exp(-np.abs(np.diff(image, axis=2)).mean(0))
    gy = np.exp(-np.abs(np.diff(image, axis=1)).mean(0))
    return (np.abs(np.diff(disp, axis=1)) * gx).mean() + \
        (np.abs(np.diff(disp, axis=0)) * gy).mean()


def np_losses(left, right, shift_l, shift_r, scale, pad):
    """The 8 losses of one scale; shifts are disparities in whole pixels."""
    w = left.shape[-1]
    left_est = np_sample(right, -shift_l, pad)
    right_est = np_sample(left, shift_r, pad)
    r_at_l = np_sample(shift_r[None].astype(float), -shift_l, pad)[0]
    l_at_r = np_sample(shift_l[None].astype(float), shift_r, pad)[0]
    out = {}
    for side, img, est, own, other in (
            ('l', left, left_est, shift_l, r_at_l),
            ('r', right, right_est, shift_r, l_at_r)):
        out[f'loss_l1_s{scale}_{side}'] = np.abs(img - est).mean()
        out[f'loss_ssim_s{scale}_{side}'] = np_ssim_loss(img, est)
        out[f'loss_lr_s{scale}_{side}'] = np.abs(own - other).mean() / w
        out[f'loss_smooth_s{scale}_{side}'] = np_smooth(own / w,
                                                        img) / 2 ** scale
    return out


@pytest.mark.parametrize('pad', ['zeros', 'border'])
def test_monodepth_loss_matches_reference_at_two_scales(pad):
    rng = np.random.default_rng(0)
    left = rng.random((3, 8, 16))
    right = rng.random((3, 8, 16))
    # integer pixel disparities at each scale make bilinear sampling exact
    shifts = {0: (rng.integers(0, 3, (8, 16)), rng.integers(0, 3, (8, 16))),
              1: (rng.integers(0, 2, (4, 8)), rng.integers(0, 2, (4, 8)))}
    disps = [torch.tensor(np.stack(shifts[s]) / (16 >> s))[None]
             for s in (0, 1)]
    loss = MODELS.build(dict(type='MonodepthLoss', num_scales=2,
                             padding_mode=pad))
    got = loss(torch.tensor(left)[None], torch.tensor(right)[None], disps)
    assert list(got) == monodepth_loss_names(2) == loss.loss_names
    half = {name: img.reshape(3, 4, 2, 8, 2).mean((2, 4))  # area 2x2 mean
            for name, img in (('left', left), ('right', right))}
    want = {**np_losses(left, right, *shifts[0], scale=0, pad=pad),
            **np_losses(half['left'], half['right'], *shifts[1], scale=1,
                        pad=pad)}
    assert sorted(got) == sorted(want)
    for name, value in want.items():
        assert got[name].item() == pytest.approx(
            value, rel=1e-6, abs=1e-9), name


def test_monodepth_loss_names_and_count():
    names = monodepth_loss_names(4)
    assert len(names) == len(set(names)) == 32
    assert names[:3] == ['loss_l1_s0_l', 'loss_l1_s0_r', 'loss_l1_s1_l']
    assert names[-1] == 'loss_smooth_s3_r'
    assert len(monodepth_loss_names(1)) == 8


def test_monodepth_loss_errors():
    loss = MonodepthLoss(num_scales=4)
    image = torch.rand(1, 3, 8, 8)
    with pytest.raises(ValueError, match=r'num_scales=4\) got 1 disparity'):
        loss(image, image, [torch.zeros(1, 2, 8, 8)])
    with pytest.raises(ValueError, match=r'scale 0 must be \(B, 2, h, w\)'):
        MonodepthLoss(1)(image, image, [torch.zeros(1, 1, 8, 8)])
    with pytest.raises(ValueError, match='views differ in shape'):
        MonodepthLoss(1)(image, image[..., :4], [torch.zeros(1, 2, 8, 8)])
    with pytest.raises(ValueError, match='num_scales must be >= 1'):
        MonodepthLoss(0)


def photometric(loss, left, right, disp_left):
    """L1 + SSIM of the left estimate at full scale."""
    disp = torch.cat([disp_left, torch.zeros_like(disp_left)], 1)
    terms = loss(left, right, [disp])
    return terms['loss_l1_s0_l'].item() + terms['loss_ssim_s0_l'].item()


def test_true_disparity_explains_the_middlebury_motorcycle_pair():
    skimage_data = pytest.importorskip('skimage.data')
    left, right, disp = skimage_data.stereo_motorcycle()

    def to_tensor(array):
        return torch.from_numpy(np.ascontiguousarray(array)).float()

    # 4x smaller (125 x 185); missing disparities (inf) left out of the mean
    left = F.avg_pool2d(to_tensor(left).permute(2, 0, 1)[None] / 255, 4)
    right = F.avg_pool2d(to_tensor(right).permute(2, 0, 1)[None] / 255, 4)
    disp = to_tensor(disp)[None, None]
    valid = torch.isfinite(disp).float()
    disp = F.avg_pool2d(torch.nan_to_num(disp, posinf=0.0), 4) / \
        F.avg_pool2d(valid, 4).clamp(min=1e-6) / 4
    loss = MonodepthLoss(num_scales=1)
    true = photometric(loss, left, right, disp / left.shape[-1])
    zero = photometric(loss, left, right, torch.zeros_like(disp))
    assert true < 0.35 * zero


def test_true_disparity_explains_a_synthscenes_pair():
    from mtlw.datasets import SynthScenesStereoDataset
    info = SynthScenesStereoDataset(num_samples=1, img_size=(48, 96),
                                    split='val').get_data_info(0)

    def to_tensor(image):
        return torch.from_numpy(image).float().permute(2, 0, 1)[None] / 255

    left, right = to_tensor(info['img']), to_tensor(info['img_right'])
    disp = torch.from_numpy(info['gt_disp_map'])[None, None] / 96
    loss = MonodepthLoss(num_scales=1)
    true = photometric(loss, left, right, disp)
    zero = photometric(loss, left, right, torch.zeros_like(disp))
    assert true < 0.4 * zero
