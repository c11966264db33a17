"""Every config of configs/: it resolves and names registered types, the
generated files (grids and folder READMEs) are current, no ``_base_`` chain
is deeper than two, and one config per model family builds its model."""
import ast
import glob
import importlib.util
import os
import os.path as osp
from typing import List

import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope

from mtlw.models.backbones import without_pretrained_weights
from mtlw.registry import MODELS, WEIGHTERS

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG_DIR = osp.join(ROOT, 'configs')
ALL_FILES = sorted(
    glob.glob(osp.join(CONFIG_DIR, '**', '*.py'), recursive=True))
LEAVES = [path for path in ALL_FILES if '_base_' not in
          osp.relpath(path, CONFIG_DIR).split(os.sep)]
MAX_DEPTH = 2  # a config -> its _base_ files -> at most one more level
# One cheap config per model family and setting kind.
REPRESENTATIVES = [
    'encnet/synthscenes_cov.py',
    'monodepth/synthscenes_cov.py',
    'pixelwise/synthscenes_multidec_gradnorm.py',
    'pixelwise/nyuv2_mobilenetv2_crossstitch_lsb.py',
    'deeplab/synthscenes_distilled_uncertainty.py',
    'synergy/synthscenes_weak_lateral_cov.py',
    'mixture_of_experts/synthscenes_ple_mgda.py',
    'ltb/synthscenes_ltb_cov.py',
    'mti_net/synthscenes_mti_net_uncertainty.py',
    'pad_net/synthscenes_pad_net_handtuned.py',
    'mtan/synthscenes_segnet_mgda.py',
    'mtan/synthscenes_resnet_uncertainty.py',
    'nddr/synthscenes_resnet_handtuned.py',
    'benchmarks/pcontext_5task_stl_parts.py',
    'mti_net/cityscapes_2task_mti_net_mgda.py',
]
spec = importlib.util.spec_from_file_location(
    'generate_configs', osp.join(ROOT, 'tools', 'generate_configs.py'))
generator = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generator)


def base_files(path: str) -> List[str]:
    """The ``_base_`` files a config names, as absolute paths."""
    with open(path) as file:
        tree = ast.parse(file.read(), filename=path)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                getattr(target, 'id', None) == '_base_'
                for target in node.targets):
            bases = ast.literal_eval(node.value)
            bases = [bases] if isinstance(bases, str) else bases
            return [osp.normpath(osp.join(osp.dirname(path), base))
                    for base in bases]
    return []


def chain_depth(path: str) -> int:
    """Levels of ``_base_`` below a config (0: it inherits nothing)."""
    bases = base_files(path)
    return 1 + max(chain_depth(base) for base in bases) if bases else 0


def test_there_are_configs_in_every_family_folder():
    folders = {osp.relpath(path, CONFIG_DIR).split(os.sep)[0]
               for path in LEAVES}
    # Every folder is described (its README title and docs page) and every
    # described folder holds configs.
    assert folders == set(generator.FOLDERS)
    assert {'deeplab', 'encnet', 'monodepth', 'pixelwise',
            'synergy'} <= folders
    assert len(LEAVES) > 250


@pytest.mark.slow
def test_every_config_resolves_to_registered_types():
    failures = []
    for path in LEAVES:
        name = osp.relpath(path, CONFIG_DIR)
        try:
            cfg = Config.fromfile(path)
            with DefaultScope.overwrite_default_scope('mmseg'):
                assert MODELS.get(cfg.model.type) is not None, \
                    f'model type {cfg.model.type!r} is not registered'
            weighter = cfg.model.get('weighter')
            if weighter is not None:
                assert WEIGHTERS.get(weighter.type) is not None, \
                    f'weighter type {weighter.type!r} is not registered'
        except Exception as error:  # noqa: B902 - report every config
            failures.append(f'{name}: {error!r}')
    assert not failures, '\n'.join(failures)


def test_no_base_chain_is_deeper_than_two():
    too_deep = {osp.relpath(path, CONFIG_DIR): chain_depth(path)
                for path in ALL_FILES if chain_depth(path) > MAX_DEPTH}
    assert too_deep == {}


def test_chain_depth_counts_every_level(tmp_path):
    (tmp_path / 'models').mkdir()
    (tmp_path / 'models' / 'net.py').write_text('model = dict()\n')
    (tmp_path / 'setting.py').write_text("_base_ = './models/net.py'\n")
    (tmp_path / 'variant.py').write_text(
        "_base_ = ['./setting.py', './models/net.py']\n")
    (tmp_path / 'leaf.py').write_text("_base_ = ['./variant.py']\n")
    assert chain_depth(str(tmp_path / 'models' / 'net.py')) == 0
    assert chain_depth(str(tmp_path / 'setting.py')) == 1
    assert chain_depth(str(tmp_path / 'leaf.py')) == 3


@pytest.mark.slow
def test_generate_configs_check_passes_on_the_repository(capsys):
    assert generator.main(['--check']) == 0, capsys.readouterr().out


def test_check_lists_missing_and_stale_files(tmp_path):
    (tmp_path / 'old.py').write_text('x = 1\n')
    (tmp_path / 'same.py').write_text('x = 2\n')
    stale = generator.out_of_date(
        {'old.py': 'x = 3\n', 'same.py': 'x = 2\n', 'new.py': 'x = 4\n'},
        str(tmp_path))
    assert stale == {'old.py': 'differs', 'new.py': 'missing'}


def test_an_undescribed_config_is_an_error():
    with pytest.raises(ValueError, match='configs/encnet/ade20k_cov.py'):
        generator.hand_written_row('encnet/ade20k_cov.py')
    row = generator.hand_written_row('encnet/pcontext_r50v1c_cov.py')
    assert row.model == 'EncNet, ResNetV1c-50-D8 (mmseg)'
    assert row.weighting == 'cov'


def test_every_folder_has_a_readme_row_per_config():
    for folder in ('deeplab', 'encnet', 'monodepth', 'pixelwise', 'synergy'):
        with open(osp.join(CONFIG_DIR, folder, 'README.md')) as file:
            readme = file.read()
        for path in glob.glob(osp.join(CONFIG_DIR, folder, '*.py')):
            name = osp.basename(path)
            assert f'| [{name}]({name}) |' in readme, (folder, name)
    with open(osp.join(CONFIG_DIR, 'encnet', 'README.md')) as file:
        rows = {line.split(' | ')[0]: line for line in file
                if line.startswith('| [')}
    assert rows['| [synthscenes_cov.py](synthscenes_cov.py)'].rstrip(
    ).endswith('| SGD lr 1e-2, batch 4, 300 iters | mIoU 41.4, aAcc 85.1 |')
    assert rows['| [synthscenes_famo.py](synthscenes_famo.py)'].rstrip(
    ).endswith(' |  |')  # not measured: empty


def test_short_float_writes_rates_as_readers_do():
    assert [generator.short_float(v) for v in (1e-4, 2.5e-3, 0.01, 0.5)] \
        == ['1e-4', '2.5e-3', '1e-2', '0.5']


@pytest.mark.parametrize('name', REPRESENTATIVES)
def test_representatives_build_their_model(name):
    cfg = Config.fromfile(osp.join(CONFIG_DIR, name))
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = MODELS.build(without_pretrained_weights(cfg.model))
    assert type(model).__name__ == cfg.model.type
    assert type(model.weighter).__name__ == cfg.model.weighter.type


# Trained from scratch by the paper: the CoV-Weighting paper and its
# supplement name no pre-training for depth and the authors' ResNet50 has no
# weights to load (docs/monodepth.md).
# The papers' from-scratch settings: monodepth (CoV-Weighting) and the DeepLab
# report's from-scratch ablation step.
# SegNet-MTAN is trained from scratch by the MTAN paper (Liu, Johns and
# Davison, CVPR 2019); SegNet ("EncDec" of the synergy Table 8) starts from
# scratch too: mtlw's SegNet has no pretrained weights and Jiao et al. do not
# say. The 5-conv sharing structures of Jiao et al.'s supplement (Tables
# 1-2) have no encoder with weights to load.
FROM_SCRATCH = ('monodepth/kitti_', 'monodepth/cityscapes_',
                'deeplab/miniscapes_joint_scratch_',
                # the report's start (section 1.1) and its 1.1 variants
                'deeplab/miniscapes_joint_report_base',
                'synergy/nyuv2_40_encdec_', 'synergy/nyuv2_4_conv5_') + tuple(
                    f'mtan/{benchmark}_segnet_'
                    for benchmark in generator.BENCHMARKS)


def starts_from_imagenet(cfg: Config) -> bool:
    """Whether a config's encoder starts from ImageNet weights."""
    backbone = cfg.model.get('backbone', {})  # absent: the model's default
    return bool(backbone.get('pretrained')) or bool(
        backbone.get('checkpoint'))


@pytest.mark.slow
def test_real_data_encoders_start_from_imagenet_weights():
    wrong = []
    for path in LEAVES:
        name = osp.relpath(path, CONFIG_DIR)
        synthetic = osp.basename(name).startswith('synthscenes')
        expected = not synthetic and not name.startswith(FROM_SCRATCH)
        if starts_from_imagenet(Config.fromfile(path)) != expected:
            wrong.append(f'{name}: expected pretrained={expected}')
    assert not wrong, '\n'.join(wrong)
    real = [p for p in LEAVES if not osp.basename(p).startswith('synth')]
    assert len(real) > 150  # the rule covers the real-data configs


def test_encoder_bases_ask_for_imagenet_weights_where_papers_do():
    bases = {name: Config.fromfile(osp.join(CONFIG_DIR, '_base_', name))
             for name in ('models/deeplab_v3plus_r34.py',
                          'models/encnet_r50-d8.py',
                          'models/encnet_r50v1c-d8.py',
                          'models/pixelwise_multitask_net.py',
                          'models/synergy_r50.py', 'models/monodepth_r50.py',
                          'deeplab/synthscenes.py', 'synergy/synthscenes.py',
                          'pixelwise/synthscenes.py',
                          'models/encnet_mobilenetv2.py')}
    asks = {name for name, cfg in bases.items() if starts_from_imagenet(cfg)}
    assert asks == {'models/deeplab_v3plus_r34.py', 'models/encnet_r50-d8.py',
                    'models/encnet_r50v1c-d8.py',
                    'models/pixelwise_multitask_net.py',
                    'models/synergy_r50.py'}


def test_any_family_on_a_benchmark_gets_its_data_description():
    title = generator.BENCHMARKS['pcontext_5task'][0]
    assert generator.data_of('newfamily/pcontext_5task') == title
    assert generator.data_of('other/pcontext_5task_hrnet18') == title
    with pytest.raises(KeyError, match='DATA or BENCHMARKS'):
        generator.data_of('newfamily/unknown_data')
