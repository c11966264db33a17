"""Cross-stitch unit: mixing of known inputs, initialisation, own rate."""
import pytest
import torch
from mmengine.optim import build_optim_wrapper
from torch import nn

from mtlw.models.necks import CrossStitch, cross_stitch


def test_mixing_of_known_inputs():
    alpha = torch.tensor([[0.9, 0.05, 0.05], [0.05, 0.9, 0.05],
                          [0.05, 0.05, 0.9]])
    features = [torch.full((1, 2, 1, 1), value) for value in (1.0, 2.0, 4.0)]
    mixed = cross_stitch(alpha, features)
    # x_k^in = sum_j alpha_kj x_j^out
    expected = [0.9 + 0.1 + 0.2, 0.05 + 1.8 + 0.2, 0.05 + 0.1 + 3.6]
    for out, value in zip(mixed, expected):
        assert out.shape == (1, 2, 1, 1)
        assert torch.allclose(out, torch.full_like(out, value))


def test_alpha_gradient_is_the_mixed_column_output():
    unit = CrossStitch(2)
    first, second = torch.full((1, 1, 2, 2), 3.0), torch.full((1, 1, 2, 2), 5.)
    mixed = unit([first, second])
    mixed[0].sum().backward()
    # d sum(x_0^in) / d alpha_0j = sum(x_j^out); row 1 untouched
    assert torch.allclose(unit.alpha.grad,
                          torch.tensor([[12.0, 20.0], [0.0, 0.0]]))


def test_initialisation():
    three = CrossStitch(3, diagonal=0.9, off_diagonal=0.05)
    assert torch.allclose(three.alpha.diagonal(), torch.full((3, ), 0.9))
    assert three.alpha[0, 1].item() == pytest.approx(0.05)
    eight = CrossStitch(8)
    assert torch.allclose(eight.alpha, torch.full((8, 8), 1 / 8))
    with pytest.raises(ValueError, match='positive int'):
        CrossStitch(0)


def test_shape_errors():
    unit = CrossStitch(2)
    with pytest.raises(ValueError, match='one shape'):
        unit([torch.zeros(1, 2, 3, 3), torch.zeros(1, 2, 3, 4)])
    with pytest.raises(ValueError, match=r'\(3, 3\) cross-stitch matrix'):
        unit([torch.zeros(1)] * 3)


def test_units_get_their_own_learning_rate_through_custom_keys():
    model = nn.Module()
    model.neck = CrossStitch(2)
    model.conv = nn.Conv2d(1, 1, 1)
    wrapper = build_optim_wrapper(model, dict(
        optimizer=dict(type='AdamW', lr=1e-4, weight_decay=0.01),
        paramwise_cfg=dict(custom_keys={
            'neck.alpha': dict(lr_mult=100.0, decay_mult=0.0)})))
    groups = {id(group['params'][0]): group
              for group in wrapper.optimizer.param_groups}
    stitch = groups[id(model.neck.alpha)]
    assert stitch['lr'] == pytest.approx(1e-2)
    assert stitch['weight_decay'] == 0.0
    assert groups[id(model.conv.weight)]['lr'] == pytest.approx(1e-4)
