"""Losses of the semantics + depth family against hand-computed values."""
import math

import numpy as np
import pytest
import torch

from mtlw.models import DepthNormalization
from mtlw.models.losses import (CombinedLoss, DepthAwareLoss,
                                DepthRegressionLoss, DepthSILogLoss,
                                JointGradientLoss, NormalizedDepthLoss,
                                SoftmaxFocalLoss)
from mtlw.models.losses.depth_regression_loss import berhu
from mtlw.registry import MODELS


def maps(*rows):
    """(B, 1, 1, W) float64 maps, one row per image."""
    return torch.tensor(rows, dtype=torch.float64)[:, None, None, :]


PRED = maps([1.0, 2.0, 5.0, 3.0], [4.0, 1.0, 2.0, 6.0])
TARGET = maps([1.5, 0.0, 2.0, 3.5], [4.0, 3.0, 2.5, 0.0])  # 0: invalid


def valid_residuals():
    return [p - t for p, t in zip(PRED.flatten().tolist(),
                                  TARGET.flatten().tolist()) if t > 0]


def test_berhu_pieces_meet_at_the_threshold():
    x = torch.tensor([-3.0, -1.0, 0.0, 0.5, 1.0, 2.0])
    got = berhu(x, torch.tensor(1.0))
    assert got.tolist() == pytest.approx([5.0, 1.0, 0.0, 0.5, 1.0, 2.5])
    assert berhu(x, torch.tensor(0.0)).tolist() == pytest.approx(
        x.abs().tolist())


@pytest.mark.parametrize('penalty', ['l1', 'l2', 'berhu'])
def test_regression_losses_by_hand(penalty):
    residuals = valid_residuals()  # -0.5, 3, -0.5, 0, -2, -0.5
    c = 0.2 * max(abs(r) for r in residuals)  # 0.6: the batch's largest
    per_pixel = dict(
        l1=[abs(r) for r in residuals],
        l2=[r * r for r in residuals],
        berhu=[abs(r) if abs(r) <= c else (r * r + c * c) / (2 * c)
               for r in residuals])[penalty]
    loss = DepthRegressionLoss(penalty=penalty)
    terms = loss(PRED, TARGET)
    assert list(terms) == [f'loss_{penalty}']
    assert terms[f'loss_{penalty}'].item() == pytest.approx(
        sum(per_pixel) / len(per_pixel))


def test_regression_loss_errors_and_empty_batch():
    with pytest.raises(ValueError, match='penalty must be one of'):
        DepthRegressionLoss(penalty='huber')
    with pytest.raises(ValueError, match='differ in shape'):
        DepthRegressionLoss()(PRED, TARGET[:1])
    pred = PRED.clone().requires_grad_()
    loss = DepthRegressionLoss()(pred, torch.zeros_like(TARGET))['loss_berhu']
    loss.backward()
    assert loss.item() == 0 and pred.grad.abs().sum() == 0


def silog_by_hand(lambd):
    values = []
    for p_row, t_row in zip(PRED[:, 0, 0].tolist(), TARGET[:, 0, 0].tolist()):
        g = [math.log(p) - math.log(t) for p, t in zip(p_row, t_row) if t > 0]
        mean, mean_sq = np.mean(g), np.mean(np.square(g))
        values.append(math.sqrt(mean_sq - lambd * mean ** 2))
    return float(np.mean(values))


@pytest.mark.parametrize('lambd', [0.0, 0.85, 1.0])
def test_silog_by_hand(lambd):
    got = DepthSILogLoss(variance_focus=lambd, eps=1e-6)(PRED, TARGET)
    assert got['loss_silog'].item() == pytest.approx(silog_by_hand(lambd))


def test_silog_skips_unlabelled_images_without_nan_gradients():
    pred = PRED.clone().requires_grad_()
    target = TARGET.clone()
    target[1] = 0  # the second image carries no depth
    loss = DepthSILogLoss(variance_focus=0.5, eps=1e-6)(pred, target)
    g = [math.log(p / t) for p, t in zip(PRED[0, 0, 0].tolist(),
                                         TARGET[0, 0, 0].tolist()) if t > 0]
    expected = math.sqrt(np.mean(np.square(g)) - 0.5 * np.mean(g) ** 2)
    assert loss['loss_silog'].item() == pytest.approx(expected)
    loss['loss_silog'].backward()
    assert torch.isfinite(pred.grad).all()
    assert pred.grad[1].abs().sum() == 0
    # a perfect prediction has a finite gradient too (floored root)
    exact = TARGET.clone().clamp(min=1).requires_grad_()
    DepthSILogLoss()(exact, exact.detach())['loss_silog'].backward()
    assert torch.isfinite(exact.grad).all()


def test_depth_aware_loss_by_hand():
    pairs = [(p, t) for p, t in zip(PRED.flatten().tolist(),
                                    TARGET.flatten().tolist()) if t > 0]
    largest = max(t for _, t in pairs)  # 4.0 over the batch
    terms = []
    for p, t in pairs:
        lp, lt = math.log(1 + p), math.log(1 + t)
        weight = t / largest + 1 - min(lp, lt) / max(lp, lt)
        terms.append(weight * abs(p - t))
    got = DepthAwareLoss()(PRED, TARGET)['loss_da']
    assert got.item() == pytest.approx(sum(terms) / len(terms))
    # a right prediction weighs alpha only and costs nothing
    assert DepthAwareLoss()(TARGET, TARGET)['loss_da'].item() == 0


def test_joint_gradient_loss_by_hand():
    pred = torch.tensor([[1.0, 2.0, 4.0], [0.0, 3.0, 3.0]])[None, None]
    target = torch.tensor([[1.0, 1.0, 1.0], [2.0, 0.0, 5.0]])[None, None]
    # residual r = pred - target = [[0, 1, 3], [-2, 3, -2]]; valid: t > 0
    # x pairs with both pixels valid: (0,0)-(0,1), (0,1)-(0,2): |1|, |2|
    # y pairs: column 0: |-2 - 0| = 2, column 2: |-2 - 3| = 5; column 1
    # has an invalid pixel
    got = JointGradientLoss()(pred, target)['loss_jg']
    assert got.item() == pytest.approx((1 + 2) / 2 + (2 + 5) / 2)


def test_focal_loss_by_hand_and_ce_limit():
    logits = torch.tensor([[2.0, 0.0, -1.0], [0.5, 0.5, 0.0]]).T
    logits = logits.reshape(3, 1, 2)[None]  # (1, 3 classes, 1, 2)
    labels = torch.tensor([[[0, 2]]])
    probs = []
    for pixel, label in ((0, 0), (1, 2)):
        column = logits[0, :, 0, pixel].tolist()
        total = sum(math.exp(v) for v in column)
        probs.append(math.exp(column[label]) / total)
    focal = [-(1 - p) ** 2 * math.log(p) for p in probs]
    got = SoftmaxFocalLoss(gamma=2.0)(logits, labels)
    assert got['loss_focal'].item() == pytest.approx(np.mean(focal))
    ce = SoftmaxFocalLoss(gamma=0.0)(logits, labels)
    assert ce['loss_ce'].item() == pytest.approx(
        np.mean([-math.log(p) for p in probs]))
    ignored = SoftmaxFocalLoss()(logits, torch.tensor([[[0, 255]]]))
    assert ignored['loss_focal'].item() == pytest.approx(focal[0])


def test_combined_loss_keeps_every_term_and_refuses_clashes():
    loss = MODELS.build(dict(type='CombinedLoss', losses=[
        dict(type='DepthAwareLoss'), dict(type='JointGradientLoss')]))
    terms = loss(PRED, TARGET)
    assert list(terms) == ['loss_da', 'loss_jg']
    assert loss.needs_metric_depth
    with pytest.raises(KeyError, match='loss_l1'):
        CombinedLoss([dict(type='DepthRegressionLoss', penalty='l1')] * 2)(
            PRED, TARGET)


@pytest.mark.parametrize('config', [
    dict(method='standard', mean=3.0, std=2.0),
    dict(method='minmax', min_depth=0.5, max_depth=80.0),
    dict(method='log', min_depth=0.5, max_depth=80.0)])
def test_depth_normalizations_round_trip(config):
    norm = DepthNormalization(**config)
    depth = torch.tensor([0.5, 1.0, 7.25, 80.0], dtype=torch.float64)
    assert torch.allclose(norm.inverse(norm(depth)), depth)
    expected = dict(
        standard=[(d - 3.0) / 2.0 for d in depth.tolist()],
        minmax=[(d - 0.5) / 79.5 for d in depth.tolist()],
        log=[math.log(d - 0.5 + 1) / math.log(80.0 - 0.5 + 1)
             for d in depth.tolist()])[config['method']]
    assert norm(depth).tolist() == pytest.approx(expected)


def test_depth_normalization_errors():
    with pytest.raises(ValueError, match='method must be one of'):
        DepthNormalization(method='zscore')
    with pytest.raises(ValueError, match='mean and std > 0'):
        DepthNormalization(mean=1.0, std=0.0)
    with pytest.raises(ValueError, match='min_depth < max_depth'):
        DepthNormalization(method='log', min_depth=5.0, max_depth=1.0)
    norm = DepthNormalization(mean=3.0, std=2.0)
    with pytest.raises(ValueError, match='logarithms of metric depth'):
        NormalizedDepthLoss(DepthSILogLoss(), norm)


def test_normalized_loss_keeps_zero_valued_targets_valid():
    # depth 3 m normalises to exactly 0 and must still count
    norm = DepthNormalization(mean=3.0, std=2.0)
    loss = NormalizedDepthLoss(DepthRegressionLoss(penalty='l1'), norm)
    pred = torch.tensor([0.5, 0.0, 9.0]).view(1, 1, 1, 3)
    target = torch.tensor([3.0, 5.0, 0.0]).view(1, 1, 1, 3)
    # normalised targets 0 and 1; the third pixel is invalid
    assert loss(pred, target)['loss_l1'].item() == pytest.approx(
        (0.5 + 1.0) / 2)
