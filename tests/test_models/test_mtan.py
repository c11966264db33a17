"""MTAN in its two forms: SegNet-MTAN (the paper's) and ResNet-MTAN
(LibMTL's), their attention masks, sizes, gradients and training."""
import pytest
import torch
from mmengine.config import Config
from torch import nn

from mtlw.models import SegNetMTAN, TaskAttention
from mtlw.models.segmentors.resnet_mtan import match_size
from mtlw.registry import MODELS
from mtlw.utils import build_training

NYU_TASKS = dict(
    seg=dict(channels=13, loss=dict(type='SegRangeCELoss')),
    depth=dict(channels=1, loss=dict(type='DepthLogL1Loss')),
    normal=dict(channels=3, loss=dict(type='NormalCosineLoss')))
TINY_SEGNET = dict(type='SegNet', channels=(4, 4, 6, 6, 8))
TINY_RESNET = dict(type='StagedResNet', depth=18, stem_channels=8,
                   base_channels=4, strides=(1, 2, 1, 1),
                   dilations=(1, 1, 2, 4))
TINY_HEAD = dict(type='DeepLabV3Head', channels=8, dilations=(1, 2, 3))
# The authors' single-task SegNet, which their script divides by
# (im2im_pred/model_segnet_mtan.py), and the relative size of SegNet-MTAN
# in the paper's NYUv2 table (#P. 1.77).
SEGNET_SINGLE_TASK = 24981069
SEGNET_MTAN_RELATIVE = 1.77


def count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def conv3(cin, cout):
    """3x3 conv with bias + BN."""
    return 9 * cin * cout + cout + 2 * cout


def mask(cin, mid, cout):
    """Two 1x1 convs with bias, each + BN."""
    return cin * mid + 3 * mid + mid * cout + 3 * cout


def segnet_mtan_reference(widths, outputs):
    """SegNet-MTAN's size from the layer list of the authors' code."""
    c = list(widths)
    below = [c[0]] + c[:-1]
    extra = [1, 1, 2, 2, 2]
    total = 0
    for level in range(5):
        total += conv3(([3] + c)[level], c[level])  # encoder first block
        total += extra[level] * conv3(c[level], c[level])
        total += conv3(c[level], below[level])  # decoder first block
        total += extra[level] * conv3(below[level], below[level])
        total += conv3(c[level], c[min(level + 1, 4)])  # shared f_l
        total += conv3(c[level], c[level] if level == 4 else below[level])
    for _ in outputs:
        total += mask(c[0], c[0], c[0]) + mask(2 * c[0], c[0], c[0])
        for level in range(1, 5):
            total += mask(2 * c[level], c[level], c[level])
            total += mask(c[level] + below[level], below[level],
                          below[level])
    for out in outputs:
        total += 9 * c[0] * c[0] + c[0] + c[0] * out + out
    return total


def build(kind, tasks=NYU_TASKS, backbone=None, **kwargs):
    if kind == 'segnet':
        return MODELS.build(dict(type='SegNetMTAN', tasks=tasks,
                                 backbone=backbone or TINY_SEGNET, **kwargs))
    return MODELS.build(dict(type='ResNetMTAN', tasks=tasks,
                             backbone=backbone or TINY_RESNET,
                             decode_head=TINY_HEAD, **kwargs))


def test_segnet_mtan_size_is_the_papers():
    with torch.device('meta'):
        model = SegNetMTAN(NYU_TASKS)
    reference = segnet_mtan_reference((64, 128, 256, 512, 512), (13, 1, 3))
    assert count(model) == reference == 44229073
    # the authors' model adds the 3 log-variances of Uncertainty Weighting
    assert round((reference + 3) / SEGNET_SINGLE_TASK,
                 2) == SEGNET_MTAN_RELATIVE


def test_resnet_mtan_size_is_libmtls_with_own_masks():
    torchvision = pytest.importorskip('torchvision')
    from torchvision.models.segmentation.deeplabv3 import DeepLabHead
    with torch.device('meta'):
        model = MODELS.build(dict(
            type='ResNetMTAN', tasks=NYU_TASKS,
            backbone=dict(type='StagedResNet', depth=50,
                          strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4)),
            decode_head=dict(type='DeepLabV3Head')))
        resnet = torchvision.models.resnet50()
        heads = sum(count(DeepLabHead(2048, out)) for out in (13, 1, 3))
    encoder = count(resnet) - count(resnet.fc)
    widths = (256, 512, 1024, 2048)
    masks = mask(256, 64, 256) + sum(mask(2 * w, w // 4, w)
                                     for w in widths[1:])
    # LibMTL's attended block: a bottleneck to c_(i+1) with a 1x1 shortcut
    blocks = 0
    for cin, cout in zip(widths, widths[1:]):
        planes = cout // 4
        blocks += (cin * planes + 2 * planes + 9 * planes * planes +
                   2 * planes + planes * cout + 2 * cout + cin * cout +
                   2 * cout)
    # mtlw's ASPP pools into a biased conv without BN: 256 fewer per head
    reference = encoder + 3 * masks + blocks + heads - 3 * 256
    assert encoder == 23508032
    assert count(model) == reference == 92347153


@pytest.mark.parametrize('kind', ['segnet', 'resnet'])
def test_output_shapes(kind):
    model = build(kind).eval()
    with torch.no_grad():
        maps = model(torch.randn(2, 3, 34, 50))
    assert {name: tuple(m.shape) for name, m in maps.items()} == {
        'seg': (2, 13, 34, 50), 'depth': (2, 1, 34, 50),
        'normal': (2, 3, 34, 50)}


@pytest.mark.parametrize('kind, per_task', [('segnet', 10), ('resnet', 4)])
def test_masks_are_per_task_and_in_the_open_unit_interval(kind, per_task):
    model = build(kind)
    masks = []
    hooks = [module.register_forward_hook(
        lambda module, args, out: masks.append(out))
        for module in model.modules() if isinstance(module, TaskAttention)]
    model(torch.randn(2, 3, 32, 32) * 5)
    for hook in hooks:
        hook.remove()
    assert len(masks) == 3 * per_task  # every level (stage), every task
    for value in masks:
        assert value.min() > 0 and value.max() < 1
    attention = (model.encoder_attention if kind == 'segnet'
                 else model.attention)
    assert attention['seg'][0] is not attention['depth'][0]


def test_attention_multiplies_the_shared_map():
    """A mask of ones passes SegNet's encoder output through unchanged:
    with every encoder mask forced to 1 the first attended map is
    pool(f_0(e_0))."""
    model = build('segnet', tasks=dict(seg=NYU_TASKS['seg'])).eval()
    features = model.backbone(torch.randn(1, 3, 32, 32))
    for module in model.encoder_attention['seg']:
        module.forward = lambda x: torch.ones(())
    first = []
    model.encoder_blocks[0].register_forward_hook(
        lambda module, args, out: first.append(args[0]))
    with torch.no_grad():
        model.attend('seg', features)
    assert torch.equal(first[0], features.encoder_last[0])


@pytest.mark.parametrize('kind', ['segnet', 'resnet'])
def test_every_parameter_gets_a_gradient(kind):
    model = build(kind)
    maps = model(torch.randn(2, 3, 32, 32))
    sum(m.square().mean() for m in maps.values()).backward()
    missing = [name for name, p in model.named_parameters()
               if p.grad is None or not p.grad.abs().sum() > 0]
    assert not missing


def test_resnet_mtan_refuses_a_backbone_without_stages():
    with pytest.raises(TypeError, match='StagedResNet'):
        MODELS.build(dict(type='ResNetMTAN', tasks=NYU_TASKS,
                          backbone=dict(type='ResNet', depth=18),
                          decode_head=TINY_HEAD))


def test_segnet_widths_are_checked():
    with pytest.raises(ValueError, match='channels'):
        MODELS.build(dict(type='SegNet', channels=(8, )))


@pytest.mark.parametrize('kind', ['segnet', 'resnet'])
@pytest.mark.parametrize('outer', [
    dict(type='CoVWeighting'), dict(type='MGDA', mode='params'),
    dict(type='PCGrad', mode='params')])
def test_two_training_steps_of_the_twin(kind, outer):
    cfg = Config.fromfile(f'configs/mtan/synthscenes_{kind}_equal.py')
    model, optim_wrapper, batch = build_training(
        cfg, batch_size=2, weighter=dict(cfg.model.weighter, outer=outer))
    start = {name: p.detach().clone()
             for name, p in model.named_parameters()}
    for _ in range(2):
        log_vars = model.train_step(batch, optim_wrapper)
    assert torch.isfinite(torch.as_tensor(log_vars['loss']))
    moved = {name.split('.')[0] for name, p in model.named_parameters()
             if not torch.equal(p, start[name])}
    heads = 'heads' if kind == 'segnet' else 'decode_heads'
    assert {'backbone', heads} <= moved


def test_resnet_mtan_without_dilation_pools_the_attended_map():
    model = build('resnet', backbone=dict(TINY_RESNET, strides=(1, 2, 2, 2),
                                          dilations=(1, 1, 1, 1))).eval()
    with torch.no_grad():
        attended = model.attend(torch.randn(1, 3, 70, 90))
    # stride 32 with ceil rounding, as the encoder's strided convs
    assert [tuple(a.shape) for a in attended] == [(1, 32, 3, 3)] * 3


def test_match_size_refuses_to_pool_up():
    with pytest.raises(ValueError, match='cannot be pooled'):
        match_size(torch.zeros(1, 1, 2, 2), torch.zeros(1, 1, 4, 4))
