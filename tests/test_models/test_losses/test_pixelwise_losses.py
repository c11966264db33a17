"""The LSB losses (supplement eqs. 2-10) against hand-computed values."""
import math

import pytest
import torch

from mtlw.models.losses import (DepthLogL1Loss, L1StdLoss, NormalCosineLoss,
                                SegRangeCELoss)
from mtlw.registry import MODELS


def test_depth_log_l1_and_range_terms():
    # pixels: 0.2 (below d_min), gt 0 (invalid), 4 vs 2, 12 (above d_max)
    pred = torch.tensor([[[[0.2, 3.0], [4.0, 12.0]]]], requires_grad=True)
    target = torch.tensor([[[[1.0, 0.0], [2.0, 10.0]]]])
    terms = DepthLogL1Loss(depth_range=(0.5, 10.0))(pred, target)
    assert list(terms) == ['loss_log_l1', 'loss_range_min',
                           'loss_range_max']
    # log term over the 3 valid pixels; 0.2 enters the log as d_min = 0.5
    log_l1 = (abs(math.log(0.5) - math.log(1.0)) + math.log(2.0)
              + math.log(1.2)) / 3
    assert terms['loss_log_l1'].item() == pytest.approx(log_l1, rel=1e-6)
    # r_min = |min(0.2, 0.5) - 0.5| / 4, r_max = |max(12, 10) - 10| / 4
    assert terms['loss_range_min'].item() == pytest.approx(0.3 / 4)
    assert terms['loss_range_max'].item() == pytest.approx(2.0 / 4)
    sum(terms.values()).backward()
    # below d_min only r_min pulls: d/dp = -1/4; above d_max the log term
    # (1 / (3 p)) and r_max (1/4) push; the invalid pixel only feels r's
    expected = [[-0.25, 0.0], [1 / (3 * 4.0), 1 / (3 * 12.0) + 0.25]]
    assert torch.allclose(pred.grad[0, 0], torch.tensor(expected))


def test_depth_loss_without_valid_pixels_is_zero_not_nan():
    terms = DepthLogL1Loss()(torch.ones(1, 1, 2, 2), torch.zeros(1, 1, 2, 2))
    assert terms['loss_log_l1'].item() == 0.0
    with pytest.raises(ValueError, match='0 < d_min < d_max'):
        DepthLogL1Loss(depth_range=(2.0, 1.0))


def test_normal_cosine_and_unit_length_terms():
    # pixel A: pred (2, 0, 0) on gt (1, 0, 0); B: gt invalid (zero);
    # C: pred (0, 0.6, 0.8) on gt (0, 1, 0)
    pred = torch.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0],
                         [0.0, 0.6, 0.8]]).T.reshape(1, 3, 1, 3)
    target = torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0],
                           [0.0, 1.0, 0.0]]).T.reshape(1, 3, 1, 3)
    terms = NormalCosineLoss()(pred, target)
    # 1 - n.n^ over the valid pixels A and C: (1 - 2) and (1 - 0.6)
    assert terms['loss_cos'].item() == pytest.approx((-1.0 + 0.4) / 2)
    # | ||n^|| - 1 | over the same valid pixels: 1 and 0
    assert terms['loss_unit'].item() == pytest.approx(0.5)


def test_normal_terms_balance_for_an_aligned_estimate():
    # with some pixels invalid, growing an estimate along the ground truth
    # must not lower the loss (it would diverge)
    target = torch.zeros(1, 3, 1, 4)
    target[0, 2, 0, :2] = 1.0  # two valid pixels, two invalid
    pred = target.clone().mul_(3.0).requires_grad_()
    sum(NormalCosineLoss()(pred, target).values()).backward()
    assert torch.allclose(pred.grad, torch.zeros_like(pred.grad))


def test_segmentation_ce_and_logit_range_terms():
    # two classes; pixel 0 labelled 1 with logits (11, 9); pixel 1 ignored
    # with logits (-12, 1)
    logits = torch.tensor([[11.0, -12.0], [9.0, 1.0]]).view(1, 2, 1, 2)
    labels = torch.tensor([[[1, 255]]])
    terms = SegRangeCELoss(f_max=10.0)(logits, labels)
    # -log softmax_1 = log(e^11 + e^9) - 9
    assert terms['loss_ce'].item() == pytest.approx(
        math.log(math.exp(11) + math.exp(9)) - 9, rel=1e-6)
    # sum_c (max(|f|, 10) - 10): pixel 0 -> 1, pixel 1 -> 2; mean 1.5
    assert terms['loss_range'].item() == pytest.approx(1.5)
    ignored = SegRangeCELoss()(logits, torch.full((1, 1, 2), 255))
    assert ignored['loss_ce'].item() == 0.0


def test_l1_and_std_matching_terms_average_per_image():
    pred = torch.tensor([[[[1.0, 3.0]]], [[[2.0, 2.0]]]])
    target = torch.tensor([[[[0.0, 0.0]]], [[[0.0, 4.0]]]])
    terms = L1StdLoss()(pred, target)
    # L1: image 1 (1 + 3) / 2 = 2, image 2 (2 + 2) / 2 = 2
    assert terms['loss_l1'].item() == pytest.approx(2.0)
    # population std: image 1 |1 - 0| = 1, image 2 |0 - 2| = 2
    assert terms['loss_std'].item() == pytest.approx(1.5)
    # several channels: |.|_1 sums them per pixel (1 / wh, not 1 / whc)
    two = L1StdLoss()(torch.ones(1, 2, 1, 1), torch.zeros(1, 2, 1, 1))
    assert two['loss_l1'].item() == pytest.approx(2.0)


def test_losses_are_registered_with_their_term_names():
    for name, terms in [('DepthLogL1Loss', 3), ('NormalCosineLoss', 2),
                        ('SegRangeCELoss', 2), ('L1StdLoss', 2)]:
        loss = MODELS.build(dict(type=name))
        assert len(loss.loss_names) == terms
        assert all('loss' in term for term in loss.loss_names)
