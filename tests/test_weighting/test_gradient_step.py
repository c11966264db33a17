"""A gradient rule's own gradient on the shared tensors (GradientStep)."""
import pytest
import torch

from mtlw.weighting import GradientStep, GradientWeighter, effective_scales
from tests._fixtures.gradient_rules import (head_losses, prescribed_step,
                                            trunk_and_heads)

WEIGHTS = torch.tensor([0.5, 2.0, 1.0])
COEFFICIENTS = torch.tensor([1.0, -0.25, 3.0])


class FixedStep(GradientWeighter):
    """Returns fixed weights and, per ``kind``, coefficients or the
    direction ``sum_i c_i g_i`` computed from the gradient vectors."""

    def __init__(self, kind: str, **kwargs) -> None:
        self.gradient_input = 'vectors' if kind == 'direction' else 'gram'
        super().__init__(**kwargs)
        self.kind = kind
        self.seen = None

    def current_weights(self):
        return torch.ones(len(self.loss_names))

    def update(self, gram, observed):
        self.seen = gram
        if self.kind == 'weights':
            return WEIGHTS
        if self.kind == 'coefficients':
            return GradientStep(WEIGHTS, coefficients=COEFFICIENTS,
                                reported=-WEIGHTS)
        return GradientStep(WEIGHTS, direction=COEFFICIENTS @ gram)


@pytest.mark.parametrize('single_backward', [True, False])
@pytest.mark.parametrize('mode', ['params', 'representation'])
@pytest.mark.parametrize('kind', ['weights', 'coefficients', 'direction'])
def test_the_rule_sets_the_shared_gradient(kind, mode, single_backward):
    torch.manual_seed(0)
    gradients = torch.randn(3, 5)
    rule = FixedStep(kind, mode=mode, single_backward=single_backward)
    out = prescribed_step(rule, gradients)
    combination = WEIGHTS if kind == 'weights' else COEFFICIENTS
    torch.testing.assert_close(out['shared'], combination @ gradients)
    # the heads get their own loss's gradient times the loss weight
    torch.testing.assert_close(out['heads'],
                               WEIGHTS * (gradients @ out['theta']))
    expected = -WEIGHTS if kind == 'coefficients' else WEIGHTS
    torch.testing.assert_close(out['weights'], expected)
    if kind == 'direction':
        torch.testing.assert_close(rule.seen, gradients)
    else:
        torch.testing.assert_close(rule.seen, gradients @ gradients.T)


@pytest.mark.parametrize('mode', ['params', 'representation'])
def test_a_direction_reaches_the_trunk_parameters(mode):
    """On a real trunk, the direction set on the output reaches the
    trunk's parameters through its backward."""
    modules = trunk_and_heads()
    x = torch.randn(6, 4)
    rule = FixedStep('coefficients', mode=mode)
    rule.attach(modules[0])
    total, _ = rule(head_losses(modules, x))
    total.backward()
    got = [p.grad.clone() for p in modules[0].parameters()]
    for module in modules:
        module.zero_grad()
    losses = head_losses(modules, x)
    sum(c * loss for c, loss in zip(COEFFICIENTS, losses.values())
        ).backward()
    for grad, param in zip(got, modules[0].parameters()):
        torch.testing.assert_close(grad, param.grad)


def test_effective_scales():
    gradients = torch.tensor([[1., 0.], [0., 2.], [0., 0.]])
    direction = torch.tensor([3., 1.])
    scales = effective_scales(gradients @ direction,
                              gradients.square().sum(1))
    torch.testing.assert_close(scales, torch.tensor([3., 0.5, 0.]))


def test_unknown_gradient_input_is_refused():
    class Hessian(FixedStep):
        def __init__(self):
            self.gradient_input = 'hessian'
            GradientWeighter.__init__(self)

    with pytest.raises(TypeError, match='gradient_input must be one of'):
        Hessian()


def test_heads_scaled_in_a_real_trunk():
    modules = trunk_and_heads(num_losses=3)
    rule = FixedStep('coefficients', mode='representation')
    rule.attach(modules[0])
    x = torch.randn(5, 4)
    total, _ = rule(head_losses(modules, x))
    total.backward()
    heads = [[p.grad.clone() for p in head.parameters()]
             for head in modules[1:]]
    for module in modules:
        module.zero_grad()
    for weight, (name, loss) in zip(WEIGHTS,
                                    head_losses(modules, x).items()):
        (weight * loss).backward(retain_graph=True)
    for got, head in zip(heads, modules[1:]):  # weighted own-loss grads
        for grad, param in zip(got, head.parameters()):
            torch.testing.assert_close(grad, param.grad)


def test_a_masked_step_uses_the_loss_weights_not_the_reported_ones():
    modules = trunk_and_heads()
    rule = FixedStep('coefficients', nonfinite='mask')
    rule.attach(modules[0])
    x = torch.randn(5, 4)
    rule(head_losses(modules, x))
    losses = head_losses(modules, x)
    losses['l1'] = losses['l1'] * float('nan')
    total, weights = rule(losses)
    expected = WEIGHTS[0] * losses['l0'] + WEIGHTS[2] * losses['l2']
    torch.testing.assert_close(total, expected)
    assert float(weights['l1']) == 0


@pytest.mark.parametrize('shared_index', [0, 1])
def test_params_mode_single_backward_only_when_nothing_learns_below(
        shared_index):
    """Params mode reuses the per-loss gradients (no pass through the model
    in the optimizer's backward) when the shared module is the bottom of
    the model; a shared layer above other layers takes the plain total,
    whose backward reaches those layers. Both give the exact gradients."""
    torch.manual_seed(0)
    trunk = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh(),
                                torch.nn.Linear(3, 3))
    modules = [trunk] + trunk_and_heads()[1:]
    params = [p for module in modules for p in module.parameters()]
    x = torch.randn(5, 4)
    rule = FixedStep('coefficients', mode='params')
    rule.attach(trunk[2 * shared_index], 'shared')
    passes = []

    def count_passes(module, inputs, out):
        out.register_hook(passes.append)

    handle = trunk[1].register_forward_hook(count_passes)
    total, _ = rule(head_losses(modules, x))
    passes.clear()  # the rule's own per-loss gradients
    total.backward()
    handle.remove()
    assert len(passes) == shared_index  # through the trunk or not
    got = [p.grad.clone() for p in params]
    shared = {id(p) for p in trunk[2 * shared_index].parameters()}
    per_loss = [torch.autograd.grad(loss, params, allow_unused=True,
                                    retain_graph=True)
                for loss in head_losses(modules, x).values()]
    for index, (grad, param) in enumerate(zip(got, params)):
        weights = COEFFICIENTS if id(param) in shared else WEIGHTS
        expected = sum(w * (g[index] if g[index] is not None else 0.)
                       for w, g in zip(weights, per_loss))
        torch.testing.assert_close(grad, expected + 0 * param)
