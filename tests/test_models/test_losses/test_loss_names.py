"""Every loss declares the keys of its terms in ``loss_names`` and returns
exactly those, in that order."""
import pytest
import torch

from mtlw.models.losses import NormalizedDepthLoss
from mtlw.models.utils import DepthNormalization
from mtlw.registry import MODELS


def depth_maps():
    generator = torch.Generator().manual_seed(0)
    pred = torch.rand(2, 1, 8, 8, generator=generator) + 0.5
    target = torch.rand(2, 1, 8, 8, generator=generator) * 5 + 0.5
    return pred, target


def seg_maps():
    generator = torch.Generator().manual_seed(0)
    return (torch.randn(2, 4, 8, 8, generator=generator),
            torch.randint(0, 4, (2, 8, 8), generator=generator))


def normal_maps():
    generator = torch.Generator().manual_seed(0)
    pred = torch.randn(2, 3, 8, 8, generator=generator)
    target = torch.nn.functional.normalize(
        torch.randn(2, 3, 8, 8, generator=generator), dim=1)
    return pred, target


CASES = [
    (dict(type='DepthLogL1Loss'), depth_maps),
    (dict(type='DepthRegressionLoss', penalty='berhu'), depth_maps),
    (dict(type='DepthSILogLoss'), depth_maps),
    (dict(type='DepthAwareLoss'), depth_maps),
    (dict(type='JointGradientLoss'), depth_maps),
    (dict(type='L1StdLoss'), depth_maps),
    (dict(type='SegRangeCELoss'), seg_maps),
    (dict(type='SoftmaxFocalLoss', gamma=2.0), seg_maps),
    (dict(type='SoftmaxFocalLoss', gamma=0.0), seg_maps),
    (dict(type='NormalCosineLoss'), normal_maps),
    (dict(type='CombinedLoss', losses=[
        dict(type='DepthRegressionLoss', penalty='l1'),
        dict(type='JointGradientLoss')]), depth_maps),
]


@pytest.mark.parametrize('cfg, maps', CASES,
                         ids=[cfg['type'] for cfg, _ in CASES])
def test_terms_are_the_declared_names(cfg, maps):
    loss = MODELS.build(cfg)
    terms = loss(*maps())
    assert list(terms) == list(loss.loss_names)
    assert all(name.startswith('loss_') for name in loss.loss_names)


def test_wrapped_losses_keep_the_names_of_the_loss_they_wrap():
    inner = MODELS.build(dict(type='DepthRegressionLoss', penalty='l2'))
    wrapped = NormalizedDepthLoss(inner, DepthNormalization(
        method='standard', mean=3.0, std=1.0))
    assert wrapped.loss_names == ('loss_l2', )
    assert list(wrapped(*depth_maps())) == ['loss_l2']


def test_monodepth_loss_declares_its_32_terms():
    assert len(MODELS.build(dict(type='MonodepthLoss')).loss_names) == 32
