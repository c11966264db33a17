"""Every architecture family on every multi-task benchmark: the generated
grid is complete, the rule weighs the benchmark's tasks with its static
weights, real-data encoders ask for ImageNet weights (SegNet-MTAN: from
scratch, as the MTAN paper), each family x benchmark config builds its
full-size model at the documented size, and each network gives every
task's loss on a small input (and takes a gradient rule)."""
import importlib.util
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mtlw.models.backbones import (PretrainedWeightsError,
                                   without_pretrained_weights)
from mtlw.registry import MODELS

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
spec = importlib.util.spec_from_file_location(
    'generate_configs', osp.join(ROOT, 'tools', 'generate_configs.py'))
generator = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generator)

BENCHMARK_TASKS = dict(
    nyuv2_3task=('seg', 'depth', 'normal'),
    cityscapes_2task=('seg', 'depth'),
    nyud_4task=('seg', 'depth', 'normal', 'edge'),
    pcontext_5task=('seg', 'parts', 'sal', 'normal', 'edge'))
# (folder, network) of every family's real networks.
NETWORKS = (('mtan', 'segnet'), ('mtan', 'resnet'), ('nddr', 'resnet'),
            ('mti_net', 'mti_net'), ('pad_net', 'pad_net'),
            ('mixture_of_experts', 'mmoe'), ('mixture_of_experts', 'cgc'),
            ('mixture_of_experts', 'dselect_k'),
            ('mixture_of_experts', 'ple'), ('ltb', 'ltb'))
CASES = [(folder, network, benchmark) for folder, network in NETWORKS
         for benchmark in BENCHMARK_TASKS]
SIZE = 64  # the input side of the forward check


def leaf(folder: str, network: str, benchmark: str, rule: str) -> str:
    return osp.join(ROOT, 'configs', folder,
                    f'{benchmark}_{network}_{rule}.py')


def test_every_network_has_the_full_grid_on_every_benchmark():
    names = set(generator.generated())
    expected = {f'{folder}/{benchmark}_{network}_{rule}.py'
                for folder, network, benchmark in CASES
                for rule in generator.RULES}
    assert len(expected) == 4 * 10 * 12
    assert expected <= names
    assert generator.SKIPPED == {}


def test_the_static_weights_are_the_benchmarks():
    outer = Config.fromfile(leaf('pad_net', 'pad_net', 'nyud_4task',
                                 'handtuned')).model.weighter.outer
    # Vandenhende et al.'s weights of the loss terms, per task
    assert outer.weights == dict(seg=1.0, depth=1.0, normal=10.0, edge=50.0)
    outer = Config.fromfile(leaf('mtan', 'segnet', 'nyuv2_3task',
                                 'handtuned')).model.weighter.outer
    assert outer.weights == dict(seg=1.0, depth=1.0, normal=1.0)
    equal = Config.fromfile(leaf('mtan', 'segnet', 'nyuv2_3task',
                                 'equal')).model.weighter.outer
    assert equal.normalize is True  # 1/K


def test_the_benchmark_weights_are_read_per_task(tmp_path, monkeypatch):
    assert generator.benchmark_handtuned('pcontext_5task') == dict(
        seg=1.0, parts=2.0, sal=5.0, normal=10.0, edge=50.0)
    base = tmp_path / 'configs' / '_base_' / 'benchmarks'
    base.mkdir(parents=True)
    (base / 'odd.py').write_text(
        "tasks = dict(seg=dict(), depth=dict())\n"
        "handtuned_weights = {'edge.loss_bce': 2.0}\n")
    monkeypatch.setattr(generator, 'ROOT', str(tmp_path))
    with pytest.raises(KeyError, match=r"'edge.loss_bce'.*\('seg', 'depth'"):
        generator.benchmark_handtuned('odd')


def test_pascal_context_inputs_are_padded_to_512():
    for folder, network, _ in CASES[::4]:
        cfg = Config.fromfile(leaf(folder, network, 'pcontext_5task', 'cov'))
        assert cfg.model.data_preprocessor.pad_size_divisor == 512
        assert cfg.img_size == (512, 512)
    cfg = Config.fromfile(leaf('mtan', 'segnet', 'nyuv2_3task', 'cov'))
    assert cfg.model.data_preprocessor.get('pad_size_divisor', 1) == 1


def random_sample(model, size: int) -> SegDataSample:
    """A data sample with a plausible random ground truth of every task."""
    sample = SegDataSample()
    for task in model.tasks.values():
        loss = type(task.loss).__name__
        if loss == 'LabelCELoss':
            gt = torch.randint(0, task.channels, (1, size, size)).float()
        elif loss == 'UnitNormalLoss':
            gt = torch.nn.functional.normalize(torch.randn(3, size, size),
                                               dim=0)
        elif loss == 'BalancedBCELoss':
            gt = torch.randint(0, 2, (1, size, size)).float()
        else:  # depth
            gt = torch.rand(1, size, size) + 0.5
        sample.set_data({task.gt_field: PixelData(data=gt)})
    return sample


# Parameters of each network per benchmark (nyuv2_3task, cityscapes_2task,
# nyud_4task, pcontext_5task): the numbers of the family pages' Benchmarks
# sections. The NYUv2 SegNet-MTAN and ResNet-MTAN counts are checked
# against independent formulas in tests/test_models/test_mtan.py.
PARAMETERS = {
    ('mtan', 'segnet'): (44_229_073, 41_206_984, 47_252_397, 50_273_121),
    ('mtan', 'resnet'): (92_347_153, 72_043_720, 112_655_469, 132_953_505),
    ('nddr', 'resnet'): (169_099_345, 101_582_728, 247_770_157,
                         337_580_001),
    ('mti_net', 'mti_net'): (18_340_441, 14_261_734, 23_662_485, 30_195_711),
    ('pad_net', 'pad_net'): (15_938_102, 12_630_948, 20_435_182, 26_091_862),
    ('mixture_of_experts', 'mmoe'): (146_393_373, 127_070_992, 173_290_045,
                                     190_395_189),
    ('mixture_of_experts', 'cgc'): (217_912_800, 174_283_666, 271_008_577,
                                    311_867_514),
    ('mixture_of_experts', 'dselect_k'): (148_384_035, 127_464_212,
                                          180_662_853, 198_259_519),
    ('mixture_of_experts', 'ple'): (181_561_647, 110_509_788, 327_050_901,
                                    376_347_603),
    ('ltb', 'ltb'): (118_904_053, 79_268_504, 158_544_493, 198_174_661),
}


def build(model_cfg) -> torch.nn.Module:
    """The model of a config, without the ImageNet start."""
    with DefaultScope.overwrite_default_scope('mmseg'):
        return MODELS.build(without_pretrained_weights(model_cfg))


@pytest.mark.parametrize('folder,network,benchmark', CASES,
                         ids=['/'.join(case) for case in CASES])
def test_the_full_size_model_builds_at_the_documented_size(
        folder, network, benchmark):
    cfg = Config.fromfile(leaf(folder, network, benchmark, 'cov'))
    tasks = BENCHMARK_TASKS[benchmark]
    weighter = cfg.model.weighter
    assert weighter.type == 'HierarchicalWeighting'
    assert tuple(weighter.groups) == tuple(cfg.model.tasks) == tasks
    if network == 'segnet':  # from scratch, as the MTAN paper
        assert 'pretrained' not in cfg.model.backbone
    else:
        assert cfg.model.backbone.pretrained is True
    if 'img_size' in cfg.model:  # the expert gates read the whole image
        assert cfg.model.img_size == cfg.img_size
    if network == 'ltb':  # the branching schedule spans the training
        assert cfg.model.num_epochs == cfg.train_cfg.max_epochs
    with torch.device('meta'):  # the real structure, no memory, fast
        model = build(cfg.model)
    assert tuple(model.tasks) == tasks
    count = sum(param.numel() for param in model.parameters())
    assert count == PARAMETERS[folder, network][list(BENCHMARK_TASKS).index(
        benchmark)]


@pytest.mark.slow
@pytest.mark.parametrize('folder,network', NETWORKS,
                         ids=['/'.join(net) for net in NETWORKS])
def test_the_full_size_model_gives_every_tasks_loss(folder, network):
    """On the smallest benchmark (Cityscapes, 2 tasks), a small input."""
    cfg = Config.fromfile(leaf(folder, network, 'cityscapes_2task', 'cov'))
    if 'img_size' in cfg.model:
        cfg.model.img_size = (SIZE, SIZE)
    model = build(cfg.model)
    torch.manual_seed(0)
    losses = model.loss(torch.rand(1, 3, SIZE, SIZE),
                        [random_sample(model, SIZE)])
    assert {key.split('.')[0] for key in losses} - {'reg'} == {'seg', 'depth'}
    total, log_vars = model.parse_losses(losses)  # the config's weighter
    assert torch.isfinite(total)
    assert set(losses) <= set(log_vars)


@pytest.mark.parametrize('folder,network,file_name', [
    ('mti_net', 'mti_net', 'hrnet_w18.ms_in1k.safetensors'),
    ('mtan', 'resnet', 'resnet50.tv_in1k.safetensors'),
    ('ltb', 'ltb', 'resnet50.tv_in1k.safetensors')])
def test_offline_the_imagenet_start_names_the_file_to_place(
        folder, network, file_name):
    # tests/conftest.py makes every download fail as without network
    cfg = Config.fromfile(leaf(folder, network, 'cityscapes_2task', 'cov'))
    with pytest.raises(PretrainedWeightsError) as error:
        with DefaultScope.overwrite_default_scope('mmseg'):
            MODELS.build(cfg.model)
    assert (f'--cfg-options model.backbone.checkpoint=checkpoints/'
            f'{file_name}') in str(error.value)


@pytest.mark.slow
@pytest.mark.parametrize('folder,network', [
    ('pad_net', 'pad_net'),  # MGDA on the shared HRNet output
    ('mtan', 'segnet')])  # MGDA on the SegNet's parameters
def test_a_gradient_rule_weighs_the_full_size_model(folder, network):
    cfg = Config.fromfile(leaf(folder, network, 'cityscapes_2task', 'mgda'))
    assert cfg.model.weighter.outer.type == 'MGDA'
    model = build(cfg.model)
    torch.manual_seed(0)
    losses = model(torch.rand(2, 3, SIZE, SIZE),
                   [random_sample(model, SIZE) for _ in range(2)],
                   mode='loss')
    total, _ = model.parse_losses(losses)
    total.backward()
    assert torch.isfinite(total)
    shared = model.get_submodule(cfg.model.shared)
    assert all(param.grad is not None and torch.isfinite(param.grad).all()
               for param in shared.parameters())
