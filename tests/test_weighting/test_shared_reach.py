"""Gradient rules refuse a shared module that some losses do not reach."""
import pytest
import torch

import tests._fixtures.toy  # noqa: F401  (registers ToyTwoLossModel)
from mtlw.registry import MODELS


@pytest.mark.parametrize('mode', ['params', 'representation'])
@pytest.mark.parametrize('rule', ['GradNorm', 'MGDA'])
def test_losses_not_reaching_the_shared_module_are_named(rule, mode):
    model = MODELS.build(dict(type='ToyTwoLossModel', shared='head_a',
                              weighter=dict(type=rule, mode=mode)))
    x = torch.randn(4, 4)
    losses = model(x, x.sum(1), x[:, 0])
    with pytest.raises(ValueError, match=r"the losses \['b.loss_l1'\] do not "
                       r"reach the .* shared module 'head_a' \(Linear\)"):
        model.parse_losses(losses)


def test_a_shared_module_every_loss_reaches_is_accepted():
    model = MODELS.build(dict(type='ToyTwoLossModel', shared='trunk',
                              weighter=dict(type='MGDA')))
    x = torch.randn(4, 4)
    total, _ = model.parse_losses(model(x, x.sum(1), x[:, 0]))
    assert torch.isfinite(total)
