"""LSB decoder and the three LSB architectures."""
import pytest
import torch
from mmengine.optim import OptimWrapper
from torch import nn

from mtlw.models.decode_heads import TwelveConvDecoder
from mtlw.registry import MODELS
from mtlw.weighting import min_norm_solver
from tests._fixtures.pixelwise_fixtures import TINY_CHANNELS, fake_samples

NYU_TASKS = dict(
    depth=dict(channels=1, loss=dict(type='DepthLogL1Loss')),
    normal=dict(channels=3, loss=dict(type='NormalCosineLoss')),
    seg=dict(channels=13, loss=dict(type='SegRangeCELoss')))
CHANNELS = dict(depth=1, normal=3, seg=13)


def build(architecture, **kwargs):
    return MODELS.build(dict(
        type='PixelwiseMultiTaskNet', tasks=NYU_TASKS,
        architecture=architecture,
        backbone=dict(type='LSBTinyEncoder'),
        decoder=dict(type='TwelveConvDecoder', in_channels=TINY_CHANNELS,
                     channels=(3, 3, 3, 3, 3, 3)), **kwargs))


def test_decoder_has_12_convs_5_upsamplings_and_xavier_init():
    decoder = TwelveConvDecoder(8, 17, channels=(6, 5, 4, 3, 2, 2))
    convs = [m for m in decoder.modules() if isinstance(m, nn.Conv2d)]
    assert len(convs) == 12
    assert [c.out_channels for c in convs] == [6, 6, 5, 5, 4, 4, 3, 3, 2, 2,
                                               2, 17]
    assert decoder(torch.zeros(2, 8, 3, 4)).shape == (2, 17, 96, 128)
    decoder.init_weights()
    for conv in convs:
        fan_in = conv.in_channels * 9
        fan_out = conv.out_channels * 9
        bound = (6 / (fan_in + fan_out)) ** 0.5
        assert conv.weight.abs().max() <= bound
        assert conv.weight.abs().max() > 0.5 * bound
        assert torch.all(conv.bias == 0)


def test_decoder_output_is_linear_and_inner_layers_rectified():
    decoder = TwelveConvDecoder(1, 1, channels=(1, ))
    with torch.no_grad():
        decoder.convs[0].weight.fill_(0)
        decoder.convs[0].bias.fill_(-1.0)  # ReLU(-1) = 0 after conv 0
        decoder.convs[1].weight.fill_(0)
        decoder.convs[1].bias.fill_(-2.0)  # the last conv: no ReLU
    assert torch.all(decoder(torch.ones(1, 1, 2, 2)) == -2.0)


@pytest.mark.parametrize('architecture, decoders, columns', [
    ('full_sharing', ['shared'], None),
    ('multi_decoder', ['depth', 'normal', 'seg'], None),
    ('multi_column', ['depth', 'normal', 'seg'], 3)])
def test_architectures(architecture, decoders, columns):
    model = build(architecture)
    assert list(model.decoders) == decoders
    if architecture == 'full_sharing':
        assert model.decoders['shared'].out_channels == 17
    if columns:
        assert len(model.backbone.columns) == columns
        assert torch.allclose(model.neck.alpha, torch.full((3, 3), 1 / 3))
    else:
        assert not hasattr(model, 'neck')
    maps = model(torch.zeros(2, 3, 64, 96), mode='tensor')
    assert {name: tuple(m.shape) for name, m in maps.items()} == {
        'depth': (2, 1, 64, 96), 'normal': (2, 3, 64, 96),
        'seg': (2, 13, 64, 96)}


def test_multi_column_decoder_k_reads_the_stitched_columns():
    alpha = [[0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.05, 0.05, 0.9]]
    model = build('multi_column', neck=dict(type='CrossStitch',
                                            diagonal=0.9, off_diagonal=0.05))
    for name in model.decoders:  # expose each decoder's input
        model.decoders[name] = nn.Identity()
    inputs = torch.rand(1, 3, 64, 32)
    columns = [column(inputs)[-1] for column in model.backbone.columns]
    maps = model.forward_tasks(inputs)
    for k, name in enumerate(['depth', 'normal', 'seg']):
        expected = sum(a * column for a, column in zip(alpha[k], columns))
        assert torch.allclose(maps[name], expected)


@pytest.mark.slow
def test_gradient_rule_across_tasks_weighs_each_task_sum():
    """MGDA as the outer rule of HierarchicalWeighting gets the Gram matrix
    of the gradients of each task's summed terms on the shared columns."""
    groups = {task: rf'^{task}\.' for task in CHANNELS}
    model = build('multi_column', shared='backbone', weighter=dict(
        type='HierarchicalWeighting', groups=groups,
        inner=dict(type='StaticWeighting'),
        outer=dict(type='MGDA', mode='params')))
    raw = dict(inputs=[torch.zeros(3, 32, 32, dtype=torch.uint8)] * 2,
               data_samples=fake_samples(CHANNELS, 2, 32, 32))
    data = model.data_preprocessor(raw, True)
    losses = model(**data, mode='loss')
    params = [p for p in model.backbone.parameters() if p.requires_grad]
    grads = []
    for task in CHANNELS:
        task_sum = sum(value for name, value in losses.items()
                       if name.startswith(task + '.'))
        grads.append(torch.cat([
            g.reshape(-1) for g in torch.autograd.grad(
                task_sum, params, retain_graph=True)]))
    matrix = torch.stack(grads).double()
    expected = min_norm_solver(matrix @ matrix.T)

    model.train_step(raw, OptimWrapper(torch.optim.SGD(
        model.parameters(), lr=0.0)))
    assert model.weighter.outer.loss_names == list(CHANNELS)
    weights = dict(zip(model.weighter.loss_names,
                       model.weighter.latest_weights.tolist()))
    for name, weight in weights.items():
        task = list(CHANNELS).index(name.split('.')[0])
        assert weight == pytest.approx(float(expected[task]), rel=1e-4,
                                       abs=1e-6)
    assert sum(float(w) for w in expected) == pytest.approx(1.0)


def test_bad_arguments():
    with pytest.raises(ValueError, match='architecture must be one of'):
        build('columns')
    with pytest.raises(ValueError, match="'multi_column' only"):
        build('full_sharing', neck=dict(type='CrossStitch'))
