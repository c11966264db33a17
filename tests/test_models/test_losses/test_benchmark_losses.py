"""Losses of the multi-task benchmarks against plain formulas."""
import math

import pytest
import torch
import torch.nn.functional as F

from mtlw.registry import MODELS


def test_label_ce_takes_dense_label_maps_and_ignores():
    torch.manual_seed(0)
    logits = torch.randn(2, 4, 3, 3)
    labels = torch.randint(0, 4, (2, 3, 3))
    labels[0, 0, 0] = 255
    loss = MODELS.build(dict(type='LabelCELoss'))
    want = F.cross_entropy(logits, labels, ignore_index=255)
    assert loss(logits, labels)['loss_ce'] == pytest.approx(want.item())
    dense = labels[:, None].float()  # what a dense task's target is
    assert loss(logits, dense)['loss_ce'] == pytest.approx(want.item())
    with pytest.raises(ValueError, match='LabelCELoss'):
        loss(logits, torch.zeros(2, 2, 3, 3))


def test_balanced_bce_by_hand():
    logits = torch.tensor([[[[2.0, -1.0, 0.5, 3.0]]]])
    target = torch.tensor([[[[1.0, 0.0, 0.0, 255.0]]]])
    fixed = MODELS.build(dict(type='BalancedBCELoss', pos_weight=0.95))
    pos = -math.log(torch.sigmoid(torch.tensor(2.0)).item())
    neg = -math.log(1 - torch.sigmoid(torch.tensor(-1.0)).item()) \
        - math.log(1 - torch.sigmoid(torch.tensor(0.5)).item())
    assert fixed(logits, target)['loss_bce'].item() == pytest.approx(
        (0.95 * pos + 0.05 * neg) / 3, rel=1e-6)
    balanced = MODELS.build(dict(type='BalancedBCELoss'))
    # w = fraction of negatives among the labelled pixels = 2 / 3
    assert balanced(logits, target)['loss_bce'].item() == pytest.approx(
        (2 / 3 * pos + 1 / 3 * neg) / 3, rel=1e-6)
    with pytest.raises(ValueError, match='pos_weight'):
        MODELS.build(dict(type='BalancedBCELoss', pos_weight=1.5))


def test_unit_normal_loss_normalises_the_prediction():
    target = torch.zeros(1, 3, 1, 2)
    target[0, 2, 0, 0] = 1.0  # (0, 0, 1); pixel 1 invalid (zero)
    pred = torch.zeros(1, 3, 1, 2)
    pred[0, 0, 0, 0], pred[0, 2, 0, 0] = 3.0, 3.0  # unit (.707, 0, .707)
    pred[0, 0, 0, 1] = 5.0
    l1 = MODELS.build(dict(type='UnitNormalLoss', penalty='l1'))
    s = 1 / math.sqrt(2)
    assert l1(pred, target)['loss_l1'].item() == pytest.approx(
        (s + 0 + (1 - s)) / 3)
    cos = MODELS.build(dict(type='UnitNormalLoss', penalty='cos'))
    assert cos(pred, target)['loss_cos'].item() == pytest.approx(1 - s)
    with pytest.raises(ValueError, match="penalty must be one of"):
        MODELS.build(dict(type='UnitNormalLoss', penalty='l2'))
