"""IMTL (-G, -L, hybrid) against LibMTL's formula written out in numpy."""
import numpy as np
import pytest
import torch

from mtlw.registry import WEIGHTERS
from mtlw.weighting import IMTL
from mtlw.weighting.imtl import imtl_g_weights
from tests._fixtures.gradient_rules import prescribed_step

CONFLICTING_2 = [[1., 0.5, -1.], [-2., 1., 0.5]]
ALIGNED_2 = [[1., 0.5, 0.], [2., 1.5, 1.]]
CONFLICTING_3 = [[1., 0., 0.5, -1.], [-1., 2., 0., 0.], [0.5, -1., -1., 2.]]
ALIGNED_3 = [[1., 0.2, 0., 0.1], [0.8, 1., 0.3, 0.], [1., 0.5, 1., 0.2]]
VALUES = {2: [0.7, 2.5], 3: [0.7, 2.5, 1.3]}


def libmtl_alpha(grads):
    """LibMTL's IMTL-G: alpha_{2:K} = g_1 U^T (D U^T)^-1, alpha_1 = 1 - sum."""
    grads = np.asarray(grads, dtype=np.float64)
    units = grads / np.linalg.norm(grads, axis=1, keepdims=True)
    diffs = grads[:1] - grads[1:]
    unit_diffs = units[:1] - units[1:]
    rest = grads[0] @ unit_diffs.T @ np.linalg.inv(diffs @ unit_diffs.T)
    return np.concatenate([[1 - rest.sum()], rest])


def hybrid(num, log_scales=None, **kwargs):
    weighter = IMTL(num_losses=num, **kwargs)
    if log_scales is not None:
        with torch.no_grad():
            weighter.log_scales.copy_(torch.tensor(log_scales))
    return weighter


@pytest.mark.parametrize('mode', ['params', 'representation'])
@pytest.mark.parametrize('grads', [CONFLICTING_2, ALIGNED_2, CONFLICTING_3,
                                   ALIGNED_3])
def test_hybrid_is_libmtl_on_the_scaled_gradients(grads, mode):
    num = len(grads)
    log_scales = [0.3, -0.4, 0.1][:num]
    scales = np.exp(log_scales)
    values = VALUES[num]
    out = prescribed_step(hybrid(num, log_scales, mode=mode),
                          torch.tensor(grads), values=torch.tensor(values))
    scaled = scales[:, None] * np.asarray(grads)
    alpha = libmtl_alpha(scaled)
    np.testing.assert_allclose(out['shared'].numpy(), alpha @ scaled,
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out['weights'].numpy(), alpha * scales,
                               rtol=1e-5)
    # the heads get the scaled losses' gradients: e^{s_i} * v_i here
    np.testing.assert_allclose(out['heads'].numpy(), scales * values,
                               rtol=1e-6)


@pytest.mark.parametrize('grads', [CONFLICTING_3, ALIGNED_3])
def test_gradient_variant_projects_equally_on_every_unit_gradient(grads):
    out = prescribed_step(IMTL('gradient'), torch.tensor(grads),
                          values=torch.tensor(VALUES[3]))
    grads = np.asarray(grads)
    units = grads / np.linalg.norm(grads, axis=1, keepdims=True)
    projections = units @ out['shared'].numpy()
    np.testing.assert_allclose(projections, projections[0], rtol=1e-5)
    np.testing.assert_allclose(out['weights'].sum(), 1.0, rtol=1e-6)
    np.testing.assert_allclose(out['shared'].numpy(),
                               libmtl_alpha(grads) @ grads, rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(out['heads'].numpy(), VALUES[3], rtol=1e-6)


def test_a_zero_gradient_is_left_out_of_the_balance():
    grads = [[1., 0.5, -1.], [0., 0., 0.], [-2., 1., 0.5]]
    out = prescribed_step(IMTL('gradient'), torch.tensor(grads))
    live = np.asarray(grads)[[0, 2]]
    alpha = libmtl_alpha(live)
    np.testing.assert_allclose(out['weights'].numpy(),
                               [alpha[0], 0.0, alpha[1]], atol=1e-6)
    np.testing.assert_allclose(out['shared'].numpy(), alpha @ live,
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('grads, alpha, shared', [
    ([[1., 0.], [0., 0.]], [1., 0.], [1., 0.]),       # the other one alone
    ([[0., 0.], [0., 0.]], [.5, .5], [0., 0.]),       # nothing to balance
    ([[1., 0.], [2., 0.]], [2 / 3, 1 / 3], [4 / 3, 0.]),  # parallel
    ([[1., 0.], [-2., 0.]], [2 / 3, 1 / 3], [0., 0.]),    # opposite
])
def test_degenerate_gradients(grads, alpha, shared):
    out = prescribed_step(IMTL('gradient'), torch.tensor(grads))
    np.testing.assert_allclose(out['weights'].numpy(), alpha, atol=1e-6)
    np.testing.assert_allclose(out['shared'].numpy(), shared, atol=1e-6)


def test_scales_learn_from_their_own_gradient():
    """d/ds_i of e^{s_i} L_i - s_i is e^{s_i} L_i - 1; the total's value is
    the IMTL-L objective."""
    log_scales = torch.tensor([0.3, -0.4])
    weighter = hybrid(2, log_scales.tolist())
    values = torch.tensor(VALUES[2])
    out = prescribed_step(weighter, torch.tensor(CONFLICTING_2),
                          values=values)
    torch.testing.assert_close(weighter.log_scales.grad,
                               log_scales.exp() * values - 1)
    torch.testing.assert_close(
        out['total'], (log_scales.exp() * values - log_scales).sum())


@pytest.mark.parametrize('mode', ['params', 'representation'])
def test_loss_variant_weighs_every_parameter_by_the_scales(mode):
    log_scales = torch.tensor([0.3, -0.4, 0.1])
    weighter = hybrid(3, log_scales.tolist(), variant='loss', mode=mode)
    assert not weighter.needs_shared
    grads = torch.tensor(CONFLICTING_3)
    values = torch.tensor(VALUES[3])
    out = prescribed_step(weighter, grads, values=values)
    scales = log_scales.exp()
    torch.testing.assert_close(out['shared'], scales @ grads)
    torch.testing.assert_close(out['heads'], scales * values)
    torch.testing.assert_close(out['weights'], scales)
    torch.testing.assert_close(weighter.log_scales.grad, scales * values - 1)
    torch.testing.assert_close(out['total'],
                               (scales * values - log_scales).sum())


def test_scales_are_trained_by_the_optimizer_and_resume():
    """Two steps with SGD on the scales, then the state into a fresh
    weighter continues as the straight run."""
    grads = torch.tensor(CONFLICTING_3)
    values = torch.tensor(VALUES[3])

    def steps(weighter, num):
        optimizer = torch.optim.SGD(weighter.parameters(), lr=0.5)
        outs = []
        for _ in range(num):
            optimizer.zero_grad()
            outs.append(prescribed_step(weighter, grads, values=values))
            optimizer.step()
        return outs

    straight = steps(IMTL(num_losses=3), 4)
    first = IMTL(num_losses=3)
    steps(first, 2)
    resumed = IMTL(num_losses=3)
    resumed.load_state_dict(first.state_dict())
    for got, want in zip(steps(resumed, 2), straight[2:]):
        for key in ('shared', 'heads', 'weights'):
            torch.testing.assert_close(got[key], want[key])
    assert not torch.equal(straight[0]['weights'], straight[3]['weights'])


def test_weights_in_eval_are_the_last_ones():
    weighter = hybrid(2, [0.3, -0.4])
    out = prescribed_step(weighter, torch.tensor(CONFLICTING_2))
    weighter.eval()
    _, weights = weighter({'loss_0': torch.tensor(1.),
                           'loss_1': torch.tensor(2.)})
    torch.testing.assert_close(torch.stack(list(weights.values())),
                               out['weights'])


def test_closed_form_matches_libmtl_on_random_gradients():
    gen = torch.Generator().manual_seed(3)
    for num in (2, 3, 5):
        grads = torch.randn(num, 8, generator=gen, dtype=torch.float64)
        np.testing.assert_allclose(imtl_g_weights(grads @ grads.T).numpy(),
                                   libmtl_alpha(grads.numpy()), rtol=1e-9)


def test_registered_and_argument_errors():
    assert WEIGHTERS.get('IMTL') is IMTL
    with pytest.raises(ValueError, match="IMTL variant must be one of .*"
                       "'hybrid'.*got 'mixed'"):
        IMTL('mixed', num_losses=2)
    with pytest.raises(ValueError, match="variant='hybrid' .* needs "
                       'num_losses'):
        IMTL()
    with pytest.raises(ValueError, match='num_losses must be a positive int'
                       ', got 0'):
        IMTL(num_losses=0)
    with pytest.raises(ValueError, match='mode must be one of'):
        IMTL('gradient', mode='features')
    with pytest.raises(ValueError, match='num_losses=3 but the model returns '
                       '2 losses'):
        prescribed_step(IMTL(num_losses=3), torch.tensor(CONFLICTING_2))
