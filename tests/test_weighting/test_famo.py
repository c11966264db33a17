import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mtlw.weighting import FAMO
from mtlw.weighting.famo import softmax_vjp

NAMES = ('a.loss_x', 'b.loss_z')


def reference_famo(rows, lr=0.025, weight_decay=1e-3):
    """The authors' update with torch's own Adam and autograd: before step
    t >= 1, xi.grad = J^T (log D(t-1) - log D(t)) and Adam steps."""
    xi = torch.zeros(len(rows[0]), requires_grad=True)
    opt = torch.optim.Adam([xi], lr=lr, weight_decay=weight_decay)
    prev, weights = None, []
    for row in rows:
        gap = torch.tensor(row) + 1e-8
        if prev is not None:
            delta = prev.log() - gap.log()
            xi.grad = torch.autograd.grad(F.softmax(xi, -1), xi, delta)[0]
            opt.step()
        prev = gap
        z = F.softmax(xi, -1).detach()
        c = (z / gap).sum()
        weights.append((z / (c * gap)).tolist())
    return xi.detach(), np.array(weights)


def test_one_update_by_hand(feed_rows):
    weighter = FAMO()
    _, weights = feed_rows(weighter, [[1.0, 1.0], [0.5, 1.0]], NAMES)
    np.testing.assert_allclose(weights[0], [0.5, 0.5], rtol=1e-6)
    # delta = (log 2, 0), z = (1/2, 1/2): g = z (delta - z.delta)
    # = (+log2/4, -log2/4); Adam's first step moves by -lr sign(g).
    xi = torch.tensor([-0.025, 0.025])
    torch.testing.assert_close(weighter.logits, xi, rtol=1e-5, atol=1e-7)
    z = torch.softmax(xi, 0).numpy()
    gap = np.array([0.5, 1.0]) + 1e-8
    c = (z / gap).sum()
    np.testing.assert_allclose(weights[1], z / (c * gap), rtol=1e-5)
    # The loss that fell gets the smaller logit.
    assert weighter.logits[0] < weighter.logits[1]


def test_matches_reference_adam(feed_rows):
    rows = [[1.0, 2.0, 0.5], [0.8, 2.1, 0.45], [0.75, 1.6, 0.5],
            [0.7, 1.9, 0.3], [0.5, 1.5, 0.35]]
    weighter = FAMO()
    _, weights = feed_rows(weighter, rows, ('a.x_loss', 'a.y_loss', 'b.loss'))
    xi, expected = reference_famo(rows)
    torch.testing.assert_close(weighter.logits, xi, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(weights, expected, rtol=1e-5)


def test_total_and_its_gradient(make_losses):
    weighter = FAMO(min_losses={'a.loss_x': 0.2, 'b.loss_z': 0.0})
    losses = make_losses([1.0, 3.0], NAMES, requires_grad=True)
    total, weights = weighter(losses)
    gap = np.array([0.8, 3.0]) + 1e-8
    c = (0.5 / gap).sum()
    assert float(total.detach()) == pytest.approx(
        (0.5 * np.log(gap)).sum() / c, rel=1e-6)
    total.backward()
    for name in NAMES:
        assert float(losses[name].grad) == pytest.approx(float(weights[name]))
    assert sum(float(w) for w in weights.values()) == pytest.approx(1.0)


def test_softmax_vjp_matches_autograd():
    xi = torch.tensor([0.3, -0.2, 0.5], requires_grad=True)
    v = torch.tensor([1.0, -2.0, 0.5])
    expected = torch.autograd.grad(torch.softmax(xi, 0), xi, v)[0]
    torch.testing.assert_close(softmax_vjp(xi.detach(), v), expected)


def test_loss_below_minimum_is_finite(feed_rows):
    weighter = FAMO(min_losses=1.0)
    totals, weights = feed_rows(weighter, [[0.5, 2.0], [2.0, 0.2]], NAMES)
    assert np.isfinite(weights).all() and np.isfinite(totals).all()
    assert math.isfinite(float(weighter.logits.sum()))


def test_min_losses_must_name_every_loss(make_losses):
    with pytest.raises(KeyError, match=r"without a minimum \['b.loss_z'\]"):
        FAMO(min_losses={'a.loss_x': 0.0})(make_losses([1, 1], NAMES))
