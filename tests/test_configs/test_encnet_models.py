"""EncNet of configs/encnet: unweighted losses, hand-tuned weighting, the
CE-only head, the dilated backbone, backbone switches and local weights."""
import argparse
import math
import os.path as osp

import numpy as np
import pytest
import timm
import torch
import torch.nn.functional as F
from mmengine.config import Config, DictAction
from mmengine.registry import DefaultScope

from mtlw.models import CEOnlyEncHead
from mtlw.models.backbones import without_pretrained_weights
from mtlw.registry import MODELS
from tests._fixtures.encnet_fixtures import seg_batch

CONFIG_DIR = osp.join(osp.dirname(__file__), '..', '..', 'configs')
# The backbone switches of docs/encnet.md, as typed after --cfg-options.
MOBILENETV2 = ['model.backbone.model_name=mobilenetv2_100',
               'model.decode_head.in_channels=[32,96,320]',
               'model.auxiliary_head.in_channels=96']
PNASNET = ['model.backbone.model_name=pnasnet5large',
           'model.backbone.output_stride=32',
           'model.decode_head.in_channels=[1080,2160,4320]',
           'model.auxiliary_head.in_channels=2160']
RESNET18 = ['model.backbone.model_name=resnet18',
            'model.decode_head.in_channels=[128,256,512]',
            'model.decode_head.channels=32',
            'model.auxiliary_head.in_channels=256',
            'model.auxiliary_head.channels=16']


def cfg_options(options):
    """Parse ``key=value`` strings as tools/train.py's --cfg-options does."""
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(['--cfg-options', *options]).cfg_options


def load(name, options=(), size=32):
    """A config without the ImageNet start, unless ``options`` ask."""
    cfg = Config.fromfile(osp.join(CONFIG_DIR, 'encnet', name))
    without_pretrained_weights(cfg.model)
    if options:
        cfg.merge_from_dict(cfg_options(options))
    cfg.model.data_preprocessor.size = (size, size)
    return cfg


def build(cfg, seed=0):
    torch.manual_seed(seed)
    with DefaultScope.overwrite_default_scope('mmseg'):
        return MODELS.build(cfg.model)


def preprocess(model, batch):
    data = model.data_preprocessor(batch, True)
    return data['inputs'], data['data_samples']


def labels_of(samples):
    return torch.cat([s.gt_sem_seg.data for s in samples]).long()


def pixel_ce(logits, labels):
    """Mean cross-entropy over the non-ignored pixels, at label size."""
    logits = F.interpolate(logits, labels.shape[1:], mode='bilinear',
                           align_corners=False)
    log_prob = torch.log_softmax(logits, dim=1)
    valid = labels != 255
    picked = log_prob.gather(1, labels.clamp(max=logits.shape[1] - 1)[:, None])
    return -(picked[:, 0][valid]).mean()


def presence_bce(se_logits, labels, num_classes):
    """Binary cross-entropy of the SE logits against class presence, from
    first principles (sigmoid and logs of plain floats)."""
    total, count = 0.0, 0
    for logits, label in zip(se_logits.tolist(), labels.numpy()):
        present = set(np.unique(label[label != 255]).tolist())
        for c in range(num_classes):
            p = 1 / (1 + math.exp(-logits[c]))
            total -= math.log(p) if c in present else math.log(1 - p)
            count += 1
    return total / count


def test_losses_are_the_three_unweighted_terms():
    model = build(load('pcontext_cov.py', RESNET18))
    model.eval()  # no dropout; the losses are the same functions
    inputs, samples = preprocess(model, seg_batch(59))
    labels = labels_of(samples)
    with torch.no_grad():
        losses = model.loss(inputs, samples)
        feats = model.extract_feat(inputs)
        seg_logits, se_logits = model.decode_head(feats)
        aux_logits = model.auxiliary_head(feats)
    assert sorted(k for k in losses if 'loss' in k) == [
        'aux.loss_ce', 'decode.loss_ce', 'decode.loss_se']
    torch.testing.assert_close(losses['decode.loss_ce'],
                               pixel_ce(seg_logits, labels))
    torch.testing.assert_close(losses['aux.loss_ce'],
                               pixel_ce(aux_logits, labels))
    assert float(losses['decode.loss_se']) == pytest.approx(
        presence_bce(se_logits, labels, 59), rel=1e-5)


# The EncNet paper trains with SE 0.2 and AUX 0.2; mmseg's configs use AUX
# 0.4; single-loss rows of the CoV-Weighting paper's Table 6.
@pytest.mark.parametrize('config, ce, se, aux', [
    ('pcontext_handtuned.py', 1.0, 0.2, 0.2),
    ('pcontext_handtuned_mmseg.py', 1.0, 0.2, 0.4),
    ('pcontext_aux_only.py', 0.0, 0.0, 1.0),
    ('pcontext_se_only.py', 0.0, 1.0, 0.0),
])
def test_static_weights_are_normalised_to_sum_one(config, ce, se, aux):
    model = build(load(config, RESNET18))
    model.train()
    inputs, samples = preprocess(model, seg_batch(59))
    losses = model.loss(inputs, samples)
    total, log_vars = model.parse_losses(losses)
    values = [float(losses[k]) for k in
              ('decode.loss_ce', 'decode.loss_se', 'aux.loss_ce')]
    norm = ce + se + aux
    assert float(total) == pytest.approx(
        (ce * values[0] + se * values[1] + aux * values[2]) / norm, rel=1e-6)
    weights = dict(zip(model.weighter.loss_names,
                       model.weighter.latest_weights.tolist()))
    assert weights == pytest.approx({'decode.loss_ce': ce / norm,
                                     'decode.loss_se': se / norm,
                                     'aux.loss_ce': aux / norm})


def test_ce_only_head_returns_only_the_pixel_cross_entropy():
    head = CEOnlyEncHead(in_channels=[8, 16], in_index=(0, 1), channels=8,
                         num_codes=4, num_classes=5, dropout_ratio=0.0,
                         loss_decode=dict(type='CrossEntropyLoss',
                                          avg_non_ignore=True))
    assert not hasattr(head, 'se_layer')
    feats = [torch.randn(2, 8, 4, 4), torch.randn(2, 16, 4, 4)]
    batch = seg_batch(5, shape=(16, 16))
    head.eval()
    losses = head.loss(feats, batch['data_samples'], None)
    assert sorted(losses) == ['acc_seg', 'loss_ce']
    with torch.no_grad():
        logits = head(feats)
    torch.testing.assert_close(
        losses['loss_ce'],
        pixel_ce(logits, labels_of(batch['data_samples'])))


def test_ce_only_head_refuses_the_se_branch():
    with pytest.raises(ValueError, match='use_se_loss must be False'):
        CEOnlyEncHead(in_channels=[8], in_index=(0, ), channels=8,
                      num_classes=5, use_se_loss=True)


def test_backbone_is_dilated_to_output_stride_8():
    cfg = load('pcontext_cov.py')
    with DefaultScope.overwrite_default_scope('mmseg'):
        backbone = MODELS.build(cfg.model.backbone)
    feats = backbone(torch.zeros(1, 3, 64, 64))
    assert [tuple(f.shape[1:]) for f in feats] == [
        (256, 16, 16), (512, 8, 8), (1024, 8, 8), (2048, 8, 8)]


@pytest.mark.slow
@pytest.mark.parametrize(
    'options,size,last_shared',
    [(MOBILENETV2, 32, 'backbone.timm_model.blocks.4.2'),
     (PNASNET, 96, 'backbone.timm_model.body.cell_7')],
    ids=['mobilenetv2', 'pnasnet'])
def test_documented_backbone_switches_train(options, size, last_shared):
    model = build(load('pcontext_cov.py', options, size))
    model.get_submodule(last_shared)  # GradNorm's layer named in the docs
    model.train()
    losses = model.loss(*preprocess(model, seg_batch(59, shape=(size, size))))
    total, _ = model.parse_losses(losses)
    total.backward()
    assert torch.isfinite(total)


def test_timm_backbone_loads_a_local_weight_file(tmp_path):
    torch.manual_seed(1)
    source = timm.create_model('resnet18', pretrained=False)
    path = str(tmp_path / 'resnet18.pth')
    torch.save(source.state_dict(), path)
    cfg = load('pcontext_cov.py', RESNET18 + [
        f'model.backbone.checkpoint={path}'])
    backbone = build(cfg).backbone.timm_model
    torch.testing.assert_close(backbone.layer4[1].conv2.weight,
                               source.layer4[1].conv2.weight)


def test_resnetv1c_backbone_loads_a_local_checkpoint(tmp_path):
    options = ['model.backbone.depth=18'] + RESNET18[1:]
    source = build(load('pcontext_r50v1c_cov.py', options), seed=1).backbone
    path = str(tmp_path / 'resnet18_v1c.pth')
    torch.save(source.state_dict(), path)
    model = build(load('pcontext_r50v1c_cov.py', options + [
        f'model.backbone.checkpoint={path}']))
    torch.testing.assert_close(model.backbone.stem[0].weight,
                               source.stem[0].weight)
    model.init_weights()  # the runner's call keeps the loaded weights
    torch.testing.assert_close(model.backbone.stem[0].weight,
                               source.stem[0].weight)
