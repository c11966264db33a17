"""tools/dataset_converters/synthscenes.py writes what the datasets hold."""
import importlib.util
import json
import os.path as osp

import numpy as np
import pytest

from mtlw.datasets import (SynthScenesMultiTaskDataset,
                           SynthScenesStereoDataset, read_image)
from mtlw.registry import DATASETS

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SIZE = (24, 48)


@pytest.fixture(scope='module')
def converter():
    path = osp.join(ROOT, 'tools', 'dataset_converters', 'synthscenes.py')
    spec = importlib.util.spec_from_file_location('synthscenes_converter',
                                                  path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_converter_files_read_back_equal(converter, tmp_path, capsys):
    rows = converter.main([str(tmp_path), '--splits', 'val', '--num-samples',
                           '2', '--img-size', *map(str, SIZE), '--seed', '3'])
    assert [row.count for row in rows] == [2] * 7 + [1]
    assert rows[6].dtypes == 'uint16' and rows[6].sizes == '24x48'
    assert capsys.readouterr().out.startswith(f'SynthScenes: {tmp_path}')
    root = tmp_path / 'val'
    multitask = SynthScenesMultiTaskDataset(num_samples=2, img_size=SIZE,
                                            seed=3, split='val')
    stereo = SynthScenesStereoDataset(num_samples=2, img_size=SIZE, seed=3,
                                      split='val')
    for index in range(2):
        sample = multitask.get_data_info(index)
        image = np.load(root / 'image' / f'{index}.npy')
        assert image.shape == (24, 48, 3) and image.dtype == np.float32
        np.testing.assert_allclose(image * 255, sample['img'][..., ::-1],
                                   atol=1e-3)
        label = np.load(root / 'label' / f'{index}.npy')
        expected = sample['gt_seg_map'].astype(np.float32)
        expected[sample['gt_seg_map'] == 255] = -1
        np.testing.assert_array_equal(label, expected)
        np.testing.assert_array_equal(
            np.load(root / 'depth' / f'{index}.npy'),
            sample['gt_depth_map'][..., None])
        np.testing.assert_array_equal(
            np.load(root / 'normal' / f'{index}.npy'),
            sample['gt_normal_map'])

        pair = stereo.get_data_info(index)
        png = str(root / 'stereo' / '{}' / f'{index}.png')
        np.testing.assert_array_equal(read_image(png.format('left')),
                                      pair['img'])
        np.testing.assert_array_equal(read_image(png.format('right')),
                                      pair['img_right'])
        disparity = read_image(png.format('disp'), 'unchanged')
        assert disparity.dtype == np.uint16
        np.testing.assert_allclose(disparity / 256.0, pair['gt_disp_map'],
                                   atol=0.5 / 256 + 1e-6)
    camera = json.loads((root / 'camera.json').read_text())
    assert camera['focal'] == pytest.approx(0.58 * 48)
    assert camera['baseline'] == 0.54
    assert camera['img_size'] == list(SIZE)


def test_nyuv2_loader_reads_the_export(converter, tmp_path):
    """The multi-task export is NYUv2 (MTAN layout) to the NYUv2 loader."""
    loader = DATASETS.get('NYUv2MTANDataset')
    if loader is None:
        pytest.skip('no NYUv2MTANDataset registered')
    converter.export_split(str(tmp_path), 'train', 2, SIZE)
    nyuv2 = loader(data_root=str(tmp_path), split='train')
    synth = SynthScenesMultiTaskDataset(num_samples=2, img_size=SIZE)
    assert len(nyuv2) == 2
    for index in range(2):
        read, rendered = nyuv2.get_data_info(index), synth.get_data_info(index)
        for key in ('img', 'gt_seg_map', 'gt_depth_map', 'gt_normal_map'):
            np.testing.assert_array_equal(read[key], rendered[key])


def test_converter_rejects_mismatched_counts(converter, tmp_path, capsys):
    with pytest.raises(SystemExit):
        converter.main([str(tmp_path), '--splits', 'train', 'val',
                        '--num-samples', '5'])
    assert 'one number per split' in capsys.readouterr().err
