"""WithWeighter: a weighter for any registered model, by config; the
weighted variant of every trainable mmseg segmentor."""
import os.path as osp

import mmseg
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmengine.registry import DefaultScope
from mmengine.structures import PixelData
from mmseg.models.segmentors import BaseSegmentor
from mmseg.structures import SegDataSample

import mtlw  # noqa: F401
from mtlw.registry import MODELS, UnknownTypeError
from mtlw.weighting import CoVWeighting, WeightedLossMixin, with_weighter

STOCK_OCRNET = osp.join(osp.dirname(mmseg.__file__), '.mim', 'configs',
                        '_base_', 'models', 'ocrnet_r50-d8.py')


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_trainable_mmseg_segmentor_has_a_registered_weighted_variant():
    stock = {cls for cls in _subclasses(BaseSegmentor)
             if cls.__module__.startswith('mmseg.')}
    assert {cls.__name__ for cls in stock} >= {
        'EncoderDecoder', 'CascadeEncoderDecoder', 'DepthEstimator',
        'MultimodalEncoderDecoder'}
    for cls in stock:
        weighted = MODELS.get(f'Weighted{cls.__name__}')
        assert weighted is not None, cls.__name__
        assert issubclass(weighted, (cls, WeightedLossMixin))
        # One class per model class: the builder reuses the registered one.
        assert with_weighter(cls) is weighted


def _bn(cfg):
    """The stock config as a CPU user runs it: BN for SyncBN, no download."""
    if isinstance(cfg, dict):
        return {key: (dict(type='BN', requires_grad=True)
                      if key == 'norm_cfg' else _bn(value))
                for key, value in cfg.items()}
    if isinstance(cfg, list):
        return [_bn(item) for item in cfg]
    return cfg


def _seg_batch(num_classes=19, size=32):
    generator = torch.Generator().manual_seed(0)
    samples = []
    for _ in range(2):
        sample = SegDataSample(metainfo=dict(
            img_shape=(size, size), ori_shape=(size, size),
            pad_shape=(size, size)))
        sample.gt_sem_seg = PixelData(data=torch.randint(
            0, num_classes, (1, size, size), generator=generator))
        samples.append(sample)
    inputs = [torch.randint(0, 255, (3, size, size), generator=generator,
                            dtype=torch.uint8) for _ in range(2)]
    return dict(inputs=inputs, data_samples=samples)


def _stock_ocrnet(weighter, shared=None):
    model = _bn(Config.fromfile(STOCK_OCRNET).model.to_dict())
    model.update(pretrained=None)
    model['data_preprocessor']['size'] = (32, 32)  # a stock leaf's crop
    model['backbone']['depth'] = 18
    model['decode_head'][0]['in_channels'] = 256
    model['decode_head'][1]['in_channels'] = 512
    for head in model['decode_head']:
        head['loss_decode']['loss_weight'] = 1.0
    with DefaultScope.overwrite_default_scope('mmseg'):  # as the runner
        return MODELS.build(dict(type='WithWeighter', model=model,
                                 weighter=weighter, shared=shared))


def test_stock_cascade_segmentor_config_trains_with_a_weighter():
    torch.manual_seed(0)
    model = _stock_ocrnet(dict(type='StaticWeighting', weights={
        'decode_0.loss_ce': 0.25, 'decode_1.loss_ce': 0.75}))
    assert type(model).__name__ == 'WeightedCascadeEncoderDecoder'
    data = model.data_preprocessor(_seg_batch(), True)
    losses = model(**data, mode='loss')
    total, log_vars = model.parse_losses(losses)
    expected = 0.25 * losses['decode_0.loss_ce'] + \
        0.75 * losses['decode_1.loss_ce']
    torch.testing.assert_close(total, expected)
    assert set(log_vars) >= {'loss', 'decode_0.loss_ce', 'decode_1.loss_ce',
                             'decode_0.acc_seg'}


def test_stock_cascade_segmentor_with_a_gradient_rule_and_state():
    torch.manual_seed(0)
    model = _stock_ocrnet(dict(type='CoVWeighting'))
    assert isinstance(model.weighter, CoVWeighting)
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1e-3))
    for _ in range(2):
        log_vars = model.train_step(_seg_batch(), wrapper)
    assert torch.isfinite(log_vars['loss'])
    assert int(model.weighter.step) == 2
    assert any(key.startswith('weighter.') for key in model.state_dict())
    mgda = _stock_ocrnet(dict(type='MGDA'), shared='backbone')
    before = [p.detach().clone() for p in mgda.backbone.parameters()]
    mgda.train_step(_seg_batch(), OptimWrapper(
        torch.optim.SGD(mgda.parameters(), lr=1e-2)))
    assert any(not torch.equal(old, new.detach())
               for old, new in zip(before, mgda.backbone.parameters()))
    assert mgda.weighter.latest_weights.sum().item() == pytest.approx(1.0)


def _two_head_classifier(weighter):
    from mmpretrain.structures import DataSample, MultiTaskDataSample
    model = MODELS.build(dict(
        type='WithWeighter',
        model=dict(
            type='mmpretrain.ImageClassifier',
            backbone=dict(type='ResNet', depth=18),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(
                type='MultiTaskHead',
                task_heads=dict(
                    colour=dict(type='LinearClsHead', num_classes=3,
                                in_channels=512),
                    shape=dict(type='LinearClsHead', num_classes=4,
                               in_channels=512)))),
        weighter=weighter))
    samples = []
    for label in (0, 2):
        sample = MultiTaskDataSample()
        sample.set_field(DataSample().set_gt_label(label), 'colour')
        sample.set_field(DataSample().set_gt_label(label + 1), 'shape')
        samples.append(sample)
    data = dict(inputs=torch.rand(2, 3, 32, 32), data_samples=samples)
    return model, data


def test_mmpretrain_two_head_classifier_gets_a_weighter():
    torch.manual_seed(0)
    model, data = _two_head_classifier(dict(
        type='StaticWeighting', weights={'colour_loss': 3.0,
                                         'shape_loss': 1.0}))
    assert type(model).__name__ == 'WeightedImageClassifier'
    losses = model(**model.data_preprocessor(data, True), mode='loss')
    total, log_vars = model.parse_losses(losses)
    torch.testing.assert_close(
        total, 3.0 * losses['colour_loss'] + losses['shape_loss'])
    assert 'colour_mask_size' in log_vars  # logged, not weighed
    cov, data = _two_head_classifier(dict(type='CoVWeighting'))
    cov.train_step(data, OptimWrapper(torch.optim.SGD(cov.parameters(),
                                                      lr=1e-3)))
    assert cov.weighter.latest_weights.numel() == 2


def test_with_weighter_errors_name_the_problem():
    with pytest.raises(UnknownTypeError, match='CascadeEncoderDecodr'):
        MODELS.build(dict(type='WithWeighter',
                          model=dict(type='CascadeEncoderDecodr')))
    with pytest.raises(TypeError, match='model config dict'):
        MODELS.build(dict(type='WithWeighter', model='EncoderDecoder'))
