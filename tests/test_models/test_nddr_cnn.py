"""NDDR-CNN: the NDDR layer's initialisation and fusion, the network's size,
gradients and training."""
import pytest
import torch
from mmengine.config import Config
from torch import nn

from mtlw.models import NDDRLayer
from mtlw.registry import MODELS
from mtlw.utils import build_training

TASKS = dict(
    seg=dict(channels=13, loss=dict(type='SegRangeCELoss')),
    depth=dict(channels=1, loss=dict(type='DepthLogL1Loss')),
    normal=dict(channels=3, loss=dict(type='NormalCosineLoss')))
TINY_RESNET = dict(type='StagedResNet', depth=18, stem_channels=8,
                   base_channels=4, strides=(1, 2, 1, 1),
                   dilations=(1, 1, 2, 4))
TINY_HEAD = dict(type='DeepLabV3Head', channels=8, dilations=(1, 2, 3))


def count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def build(**kwargs):
    return MODELS.build(dict(type='NDDRCNN', tasks=TASKS,
                             backbone=TINY_RESNET, decode_head=TINY_HEAD,
                             **kwargs))


def test_nddr_layer_starts_as_the_diagonal_mix():
    layer = NDDRLayer(3, 2, alpha=0.9, beta=0.1).eval()
    weight = layer.layers[1][0].weight[:, :, 0, 0]
    assert torch.equal(weight, torch.tensor([[0.1, 0, 0.9, 0, 0.1, 0],
                                             [0, 0.1, 0, 0.9, 0, 0.1]]))
    features = [torch.rand(1, 2, 3, 3) for _ in range(3)]
    fused = layer(features)
    # BN at its start (mean 0, variance 1) in eval mode, then ReLU
    scale = (1 + layer.layers[0][1].eps) ** -0.5
    for task in range(3):
        others = sum(f for k, f in enumerate(features) if k != task)
        expected = (0.9 * features[task] + 0.1 * others) * scale
        assert torch.allclose(fused[task], expected.clamp_min(0), atol=1e-6)


def test_beta_spreads_what_alpha_leaves_over_the_other_columns():
    # Vandenhende et al.'s five-task PASCAL setting: 0.8 / 0.05
    layer = NDDRLayer(5, 1, alpha=0.8)
    assert torch.allclose(layer.layers[2][0].weight.flatten(),
                          torch.tensor([0.05, 0.05, 0.8, 0.05, 0.05]))
    assert torch.allclose(NDDRLayer(2, 1).layers[0][0].weight.flatten(),
                          torch.tensor([0.9, 0.1]))


def test_nddr_layer_checks_its_inputs():
    with pytest.raises(ValueError, match='channels'):
        NDDRLayer(2, 0)
    with pytest.raises(ValueError, match='2 tasks got 3 maps'):
        NDDRLayer(2, 4)([torch.zeros(1, 4, 2, 2)] * 3)


def test_size_follows_the_layer_list():
    torchvision = pytest.importorskip('torchvision')
    from torchvision.models.segmentation.deeplabv3 import DeepLabHead
    with torch.device('meta'):
        model = MODELS.build(dict(
            type='NDDRCNN', tasks=TASKS,
            backbone=dict(type='StagedResNet', depth=50,
                          strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4)),
            decode_head=dict(type='DeepLabV3Head')))
        resnet = torchvision.models.resnet50()
        heads = sum(count(DeepLabHead(2048, out)) for out in (13, 1, 3))
    columns = 3 * (count(resnet) - count(resnet.fc))
    # per stage (the stem and the four residual stages) and task: a 1x1
    # conv 3C -> C without bias, BN
    nddr = sum(3 * (3 * c * c + 2 * c)
               for c in (64, 256, 512, 1024, 2048))
    # mtlw's ASPP pools into a biased conv without BN: 256 fewer per head
    assert count(model) == columns + nddr + heads - 3 * 256 == 169099345
    assert count(model.neck) == nddr


def test_output_shapes_and_chosen_stages():
    model = build(nddr_stages=(1, 3)).eval()
    assert list(model.neck) == ['1', '3']
    # stage widths 8 (stem), 4, 8, 16, 32; three columns concatenated
    assert [m.layers[0][0].in_channels for m in model.neck.values()] == [
        3 * 4, 3 * 16]
    with torch.no_grad():
        maps = model(torch.randn(2, 3, 30, 44))
    assert {name: tuple(m.shape) for name, m in maps.items()} == {
        'seg': (2, 13, 30, 44), 'depth': (2, 1, 30, 44),
        'normal': (2, 3, 30, 44)}


def test_columns_stay_apart_without_nddr_layers():
    """With no fusion, task k's output depends on column k only."""
    model = build(nddr_stages=()).eval()
    inputs = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        before = model(inputs)
        for p in model.backbone.columns[1].parameters():
            p.add_(0.5)
        after = model(inputs)
    assert torch.equal(before['seg'], after['seg'])
    assert not torch.equal(before['depth'], after['depth'])


@pytest.mark.parametrize('stages', [(5, ), (0, 0), (-1, )])
def test_wrong_stages_are_refused(stages):
    with pytest.raises(ValueError, match='nddr_stages'):
        build(nddr_stages=stages)


def test_every_parameter_gets_a_gradient():
    model = build()
    maps = model(torch.randn(2, 3, 32, 32))
    sum(m.square().mean() for m in maps.values()).backward()
    missing = [name for name, p in model.named_parameters()
               if p.grad is None or not p.grad.abs().sum() > 0]
    assert not missing


@pytest.mark.parametrize('outer', [
    dict(type='CoVWeighting'), dict(type='MGDA', mode='params'),
    dict(type='PCGrad', mode='params')])
def test_two_training_steps_of_the_twin(outer):
    cfg = Config.fromfile('configs/nddr/synthscenes_resnet_equal.py')
    model, optim_wrapper, batch = build_training(
        cfg, batch_size=2, weighter=dict(cfg.model.weighter, outer=outer))
    start = {name: p.detach().clone()
             for name, p in model.named_parameters()}
    for _ in range(2):
        log_vars = model.train_step(batch, optim_wrapper)
    assert torch.isfinite(torch.as_tensor(log_vars['loss']))
    moved = {name.split('.')[0] for name, p in model.named_parameters()
             if not torch.equal(p, start[name])}
    assert {'backbone', 'neck', 'decode_heads'} <= moved
