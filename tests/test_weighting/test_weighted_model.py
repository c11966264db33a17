"""The model side: WeightedLossMixin, with_weighter, parse_losses."""
import pytest
import torch
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper

from mtlw.weighting import (StaticWeighting, WeightedLossMixin,
                            reduce_loss_dict, with_weighter)
from tests._fixtures.toy import ToyTwoLossModel

LOSSES = {
    'seg.loss_ce': torch.tensor(2.0, requires_grad=True),
    'seg.loss_aux': [torch.tensor([1.0, 3.0]), torch.tensor(0.5)],
    'seg.acc': torch.tensor(0.25),
}


def test_reduce_loss_dict_splits_terms_from_logged_values():
    terms, others = reduce_loss_dict(LOSSES)
    assert list(terms) == ['seg.loss_ce', 'seg.loss_aux']
    assert terms['seg.loss_aux'].item() == pytest.approx(2.0 + 0.5)
    assert list(others) == ['seg.acc'] and not others['seg.acc'].requires_grad
    with pytest.raises(TypeError, match='seg.loss_bad'):
        reduce_loss_dict({'seg.loss_bad': 3.0})


def test_default_weighter_reproduces_mmengine_sum():
    model = ToyTwoLossModel()
    assert isinstance(model.weighter, StaticWeighting)
    total, log_vars = model.parse_losses(LOSSES)
    expected, expected_vars = BaseModel.parse_losses(model, LOSSES)
    assert total.item() == pytest.approx(expected.item())
    assert list(log_vars) == list(expected_vars)
    assert total.requires_grad and not log_vars['loss'].requires_grad


def test_parse_losses_uses_configured_weighter():
    model = ToyTwoLossModel(weighter=dict(
        type='StaticWeighting',
        weights={'seg.loss_ce': 3.0, 'seg.loss_aux': 1.0}, normalize=True))
    total, _ = model.parse_losses(LOSSES)
    assert total.item() == pytest.approx(0.75 * 2.0 + 0.25 * 2.5)


def test_with_weighter_builds_a_weighted_subclass():

    class Plain(BaseModel):

        def __init__(self):
            super().__init__()
            self.body = torch.nn.Linear(2, 2)

        def forward(self, *args, **kwargs):
            raise NotImplementedError

    Weighted = with_weighter(Plain)
    assert Weighted.__name__ == 'WeightedPlain'
    assert issubclass(Weighted, (Plain, WeightedLossMixin))
    model = Weighted(weighter=dict(type='StaticWeighting'))
    assert isinstance(model.weighter, StaticWeighting)
    with pytest.raises(TypeError, match='not an mmengine BaseModel'):
        with_weighter(torch.nn.Linear)


def test_gradient_weighter_without_shared_module_is_refused():
    with pytest.raises(ValueError, match="shared="):
        ToyTwoLossModel(weighter=dict(type='MGDA'))


def test_shared_module_is_attached_by_name():
    model = ToyTwoLossModel(weighter=dict(type='MGDA'), shared='trunk')
    data = dict(inputs=torch.randn(4, 4), target_a=torch.randn(4, 1),
                target_b=torch.randn(4, 1))
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    log_vars = model.train_step(data, optim)
    weights = model.weighter.latest_weights
    assert weights.sum().item() == pytest.approx(1.0)
    assert set(log_vars) >= {'loss', 'a.loss_l2', 'b.loss_l1', 'a.err'}


def test_train_step_under_bf16_autocast(monkeypatch):
    from mmengine.optim.optimizer import amp_optimizer_wrapper
    monkeypatch.setattr(amp_optimizer_wrapper, 'is_cuda_available',
                        lambda: True)  # mmengine's wrapper checks for CUDA
    model = ToyTwoLossModel(weighter=dict(type='CoVWeighting'))
    optim = amp_optimizer_wrapper.AmpOptimWrapper(
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
        dtype='bfloat16')
    optim.cast_dtype = torch.bfloat16
    data = dict(inputs=torch.randn(4, 4), target_a=torch.randn(4, 1),
                target_b=torch.randn(4, 1))
    before = model.trunk.weight.detach().clone()
    with torch.autocast('cpu', dtype=torch.bfloat16):
        log_vars = model.train_step(data, optim)
    assert torch.isfinite(log_vars['loss'])
    assert not torch.equal(before, model.trunk.weight)
    assert model.weighter.latest_weights.dtype == torch.float32


def test_regularizer_terms_join_the_total_unweighted():
    model = ToyTwoLossModel(weighter=dict(
        type='StaticWeighting',
        weights={'seg.loss_ce': 3.0, 'seg.loss_aux': 1.0}, normalize=True))
    losses = dict(LOSSES, **{'reg.loss_gate': torch.tensor(0.5)})
    total, log_vars = model.parse_losses(losses)
    # The weighter sees only the two task terms (its weights name no other).
    assert total.item() == pytest.approx(0.75 * 2.0 + 0.25 * 2.5 + 0.5)
    assert model.weighter.loss_names == ['seg.loss_ce', 'seg.loss_aux']
    assert log_vars['reg.loss_gate'].item() == pytest.approx(0.5)
