import numpy as np
import pytest
import torch

from mtlw.weighting import STCH

ROWS = [[1.0, 2.0, 0.5], [0.8, 2.2, 0.45],   # epoch 0 (warm-up)
        [0.7, 1.5, 0.5], [0.9, 1.9, 0.3],    # epoch 1 (nadir epoch)
        [0.5, 2.0, 0.35], [0.6, 1.2, 0.4],   # epoch 2 (STCH)
        [0.4, 1.0, 0.2], [0.3, 1.1, 0.3],    # epoch 3
        [0.2, 0.9, 0.1]]


class ReferenceSTCH:
    """The authors' (and LibMTL's) STCH written out: the objective per
    phase is differentiated by autograd with respect to the losses."""

    def __init__(self, mu, warmup_epoch, period):
        self.mu, self.warmup, self.period = mu, warmup_epoch, period
        self.count, self.average, self.average_count = 0, 0.0, 0
        self.nadir = None

    def step(self, row):
        """The weights (d objective / d L_i) and the objective's value
        (with the largest log ratio, which the authors subtract, added
        back)."""
        losses = torch.tensor(row, dtype=torch.float64, requires_grad=True)
        epoch = self.count // self.period
        self.count += 1
        if epoch <= self.warmup:
            loss = torch.log(losses + 1e-20).sum()
            if epoch == self.warmup:
                self.average = self.average + losses.detach()
                self.average_count += 1
        else:
            if self.nadir is None:
                self.nadir = self.average / self.average_count
            logs = torch.log(losses / self.nadir + 1e-20)
            shifted = logs - logs.detach().max()
            loss = self.mu * torch.log(torch.exp(shifted / self.mu).sum()) \
                * len(row)
            weights = torch.autograd.grad(loss, losses)[0].numpy()
            return weights, float((loss + len(row) * logs.max()).detach())
        return (torch.autograd.grad(loss, losses)[0].numpy(),
                float(loss.detach()))


@pytest.mark.parametrize('mu', [1.0, 0.3])
@pytest.mark.parametrize('warmup', [0, 1])
def test_matches_reference(feed_rows, mu, warmup):
    totals, weights = feed_rows(STCH(mu=mu, warmup_epochs=warmup, period=2),
                                ROWS)
    reference = ReferenceSTCH(mu, warmup, 2)
    expected, values = zip(*[reference.step(row) for row in ROWS])
    np.testing.assert_allclose(weights, np.array(expected), rtol=1e-5)
    np.testing.assert_allclose(totals, values, rtol=1e-5)


def test_hand_worked_weights(feed_rows):
    weighter = STCH(mu=1.0, warmup_epochs=1, period=2)
    _, weights = feed_rows(weighter, ROWS[:5])
    np.testing.assert_allclose(weights[0], 1 / np.array(ROWS[0]), rtol=1e-6)
    nadir = np.array([0.8, 1.7, 0.4])  # mean of epoch 1
    np.testing.assert_allclose(weighter.nadir.numpy(), nadir, rtol=1e-6)
    ratio = np.array(ROWS[4]) / nadir
    # softmax of log(L/n) with mu = 1 is L/n normalised; times 3 / L
    expected = 3 * ratio / ratio.sum() / np.array(ROWS[4])
    np.testing.assert_allclose(weights[4], expected, rtol=1e-5)


def test_gradient_is_that_of_the_objective():
    weighter = STCH(mu=0.5, warmup_epochs=0, period=1)
    for row in ROWS[:2]:
        weighter({f'l{i}': torch.tensor(v) for i, v in enumerate(row)})
    theta = torch.tensor([0.3, -0.2, 0.5], requires_grad=True)
    losses = torch.tensor(ROWS[2]) * torch.exp(theta)
    total, _ = weighter({f'l{i}': loss for i, loss in enumerate(losses)})
    total.backward(retain_graph=True)
    nadir = torch.tensor(ROWS[0])
    objective = 0.5 * 3 * torch.logsumexp(
        torch.log(losses / nadir + 1e-20) / 0.5, 0)
    expected = torch.autograd.grad(objective, theta)[0]
    torch.testing.assert_close(theta.grad, expected)
    torch.testing.assert_close(total, objective)


def test_state_continuity(feed_rows):
    straight = STCH(mu=0.5, warmup_epochs=1, period=2)
    _, expected = feed_rows(straight, ROWS)
    first = STCH(mu=0.5, warmup_epochs=1, period=2)
    _, head = feed_rows(first, ROWS[:3])
    resumed = STCH(mu=0.5, warmup_epochs=1, period=2)
    resumed.load_state_dict(first.state_dict())
    _, tail = feed_rows(resumed, ROWS[3:])
    np.testing.assert_allclose(np.concatenate([head, tail]), expected)


def test_epoch_from_runtime(feed_rows):
    weighter = STCH(warmup_epochs=0)
    weighter.bind_runtime(iters_per_epoch=3)
    _, weights = feed_rows(weighter, ROWS[:4])
    reference = ReferenceSTCH(1.0, 0, 3)
    expected = np.array([reference.step(row)[0] for row in ROWS[:4]])
    np.testing.assert_allclose(weights, expected, rtol=1e-5)


def test_missing_epoch_length_raises(feed_rows):
    with pytest.raises(RuntimeError, match='STCH has no period'):
        feed_rows(STCH(), ROWS[:1])


@pytest.mark.parametrize('kwargs, match', [
    (dict(mu=0.0), 'STCH mu'), (dict(eps=-1.0), 'STCH eps'),
    (dict(warmup_epochs=-1), 'STCH warmup_epochs'),
    (dict(warmup_epochs=1.5), 'STCH warmup_epochs'),
    (dict(period=0), 'period')])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        STCH(**kwargs)
