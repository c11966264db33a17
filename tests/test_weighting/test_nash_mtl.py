"""NashMTL against the authors' algorithm (their concave-convex procedure,
with scipy's SLSQP in place of cvxpy) and their gradient clipping."""
import numpy as np
import pytest
import torch
from scipy.optimize import minimize

from mtlw.registry import WEIGHTERS
from mtlw.weighting import NashMTL
from tests._fixtures.gradient_rules import prescribed_step

CONFLICTING_2 = [[1.0, 0.2, 0.0], [-0.5, 1.0, 0.3]]
ALIGNED_2 = [[1.0, 0.5, 0.0], [2.0, 1.2, 0.1]]
CONFLICTING_3 = [[1.0, 0.0, 0.2], [-0.4, 1.0, 0.0], [-0.3, -0.6, 0.8]]
ALIGNED_3 = [[1.0, 0.3, 0.1], [0.8, 0.5, 0.0], [3.0, 0.4, 0.3]]
ZERO_3 = [[1.0, 0.0, 0.2], [0.0, 0.0, 0.0], [0.3, 1.0, 0.0]]


def authors_alpha(gradients, niter=20, previous=None):
    """Navon et al.'s ``NashMTL.solve_optimization``, step by step, each
    convex program solved by SLSQP: minimise ``sum(Gn a) + phi'(a_t) . (a
    - a_t) / s`` subject to ``a_i s (Gn a)_i >= 1``, ``a >= 0``, where
    ``Gn = G / s``, ``s = ||G||_F`` and ``phi'(a) = 1/a + (1/(Gn a)) Gn``;
    stop when ``||Gn a_t - 1/(a_t + 1e-10)|| < 1e-3`` or the change is
    below 1e-6, returning ``a_t`` (the iterate the criterion was checked
    on)."""
    g = np.asarray(gradients, dtype=np.float64)
    gram = g @ g.T
    norm = np.linalg.norm(gram)
    gn = gram / norm
    alpha_t = np.ones(len(g)) if previous is None else previous
    for _ in range(niter):
        tangent = 1 / alpha_t + (1 / (gn @ alpha_t)) @ gn
        result = minimize(
            lambda a: (gn @ a).sum() + tangent @ (a - alpha_t) / norm,
            alpha_t, method='SLSQP', bounds=[(0, None)] * len(g),
            constraints=[dict(type='ineq',
                              fun=lambda a: a * norm * (gn @ a) - 1)],
            options=dict(ftol=1e-14, maxiter=1000))
        new = result.x
        if (np.linalg.norm(gn @ alpha_t - 1 / (alpha_t + 1e-10)) < 1e-3
                or np.linalg.norm(new - alpha_t) < 1e-6):
            break
        alpha_t = new
    return alpha_t


def clipped(direction, max_norm):
    """The authors' ``clip_grad_norm_`` on a parameter holding ``d``."""
    param = torch.nn.Parameter(torch.zeros(len(direction)))
    param.grad = torch.tensor(direction, dtype=torch.float32)
    torch.nn.utils.clip_grad_norm_([param], max_norm)
    return param.grad


@pytest.mark.parametrize('mode', ['params', 'representation'])
@pytest.mark.parametrize('max_norm', [1.0, 0.0, 10.0])
@pytest.mark.parametrize('gradients', [CONFLICTING_2, ALIGNED_2,
                                       CONFLICTING_3, ALIGNED_3])
def test_matches_the_authors_algorithm(gradients, max_norm, mode):
    alpha = authors_alpha(gradients)
    out = prescribed_step(NashMTL(max_norm=max_norm, mode=mode),
                          torch.tensor(gradients))
    np.testing.assert_allclose(out['weights'].numpy(), alpha, rtol=1e-5)
    direction = alpha @ np.asarray(gradients)
    expected = clipped(direction, max_norm) if max_norm else direction
    np.testing.assert_allclose(out['shared'].numpy(), expected, rtol=1e-5,
                               atol=1e-6)
    # heads: alpha_i times their loss's gradient, not clipped
    heads = out['weights'] * (torch.tensor(gradients) @ out['theta'])
    torch.testing.assert_close(out['heads'], heads)


def test_exact_solution_and_clipped_norm():
    g = torch.tensor(CONFLICTING_3)
    rule = NashMTL(max_norm=0.5)
    out = prescribed_step(rule, g)
    alpha = out['weights'].double()
    gram = (g @ g.T).double()
    torch.testing.assert_close(gram @ alpha, 1 / alpha, rtol=1e-5, atol=0)
    # ||sum alpha_i g_i||^2 = K at the solution; clipped to 0.5
    assert float(out['shared'].norm()) == pytest.approx(0.5, rel=1e-5)
    assert int(rule.unsolved) == 0


def test_zero_gradient_gets_weight_zero():
    """The authors' convex program is infeasible there (their code keeps
    the previous alpha for all tasks); here the zero-gradient loss gets 0
    and the others get their own Nash solution."""
    out = prescribed_step(NashMTL(max_norm=0.0), torch.tensor(ZERO_3))
    rest = authors_alpha([ZERO_3[0], ZERO_3[2]])
    assert float(out['weights'][1]) == 0.0
    np.testing.assert_allclose(out['weights'][[0, 2]].numpy(), rest,
                               rtol=1e-5)
    np.testing.assert_allclose(out['shared'].numpy(),
                               rest @ np.asarray(ZERO_3)[[0, 2]], rtol=1e-5)
    assert float(out['heads'][1]) == 0.0


def test_no_solution_keeps_the_last_weights():
    rule = NashMTL(max_norm=0.0)
    first = prescribed_step(rule, torch.tensor(CONFLICTING_2))['weights']
    out = prescribed_step(rule, torch.tensor([[1.0, 2.0], [-2.0, -4.0]]))
    torch.testing.assert_close(out['weights'], first)
    assert int(rule.unsolved) == 1


def random_matrices(count):
    gen = torch.Generator().manual_seed(0)
    return [torch.randn(3, 4, generator=gen) for _ in range(count)]


def test_update_every_two_steps_reuses_alpha_but_clips_each_step():
    rule = NashMTL(update_weights_every=2)
    matrices = random_matrices(4)
    outs = [prescribed_step(rule, g) for g in matrices]
    for index in (0, 2):
        np.testing.assert_allclose(outs[index]['weights'].numpy(),
                                   authors_alpha(matrices[index].numpy()),
                                   rtol=1e-5)
    for index in (1, 3):
        torch.testing.assert_close(outs[index]['weights'],
                                   outs[index - 1]['weights'])
        direction = outs[index]['weights'] @ matrices[index]
        torch.testing.assert_close(
            outs[index]['shared'], clipped(direction.numpy(), 1.0))
    assert not torch.allclose(outs[2]['weights'], outs[1]['weights'])


def test_resume_continues_the_same_run():
    matrices = random_matrices(5)
    straight = NashMTL(update_weights_every=2)
    expected = [prescribed_step(straight, g) for g in matrices]
    first = NashMTL(update_weights_every=2)
    for g in matrices[:3]:
        prescribed_step(first, g)
    resumed = NashMTL(update_weights_every=2)
    resumed.load_state_dict(first.state_dict())
    for g, want in zip(matrices[3:], expected[3:]):
        out = prescribed_step(resumed, g)
        torch.testing.assert_close(out['weights'], want['weights'])
        torch.testing.assert_close(out['shared'], want['shared'])
    base = {'step', 'loss_names_code', 'weighter_type_code'}
    assert set(resumed.state_dict()) - base == {'alpha', 'unsolved'}


def test_eval_and_first_weights_are_one():
    rule = NashMTL()
    rule.eval()
    losses = {'a': torch.tensor(2.0), 'b': torch.tensor(3.0)}
    total, weights = rule(losses)
    assert float(total) == 5.0
    assert [float(w) for w in weights.values()] == [1.0, 1.0]


@pytest.mark.parametrize('kwargs, match', [
    (dict(update_weights_every=0), 'update_weights_every must be an int >= 1'),
    (dict(update_weights_every=1.5), 'update_weights_every must be an int'),
    (dict(optim_niter=0), 'optim_niter must be an int >= 1, got 0'),
    (dict(max_norm=-1.0), r'max_norm must be a finite number in \[0.0'),
    (dict(mode='rep'), 'mode must be one of'),
])
def test_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        NashMTL(**kwargs)


def test_registered():
    rule = WEIGHTERS.build(dict(type='NashMTL', mode='representation'))
    assert isinstance(rule, NashMTL) and rule.mode == 'representation'
    assert 'optim_niter=20' in repr(rule)
