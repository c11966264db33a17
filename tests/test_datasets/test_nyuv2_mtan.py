"""NYUv2 in the MTAN layout: loading, flip with normals, clear errors."""
import os

import numpy as np
import pytest

from mtlw.datasets import NYUv2MTANDataset
from tests._fixtures.pixelwise_fixtures import write_nyuv2

PIPELINE = [dict(type='RandomFlipWithNormals', prob=1.0),
            dict(type='PackMultiTaskInputs')]


def test_samples_hold_the_four_arrays(tmp_path):
    written = write_nyuv2(str(tmp_path), 'val', count=3)
    dataset = NYUv2MTANDataset(data_root=str(tmp_path), split='val')
    assert len(dataset) == 3
    info = dataset.get_data_info(1)
    image = written['image'][1]
    # RGB in [0, 1] -> BGR uint8
    assert info['img'].dtype == np.uint8
    assert np.array_equal(info['img'][..., 2],
                          np.rint(image[..., 0] * 255).astype(np.uint8))
    label = written['label'][1]
    assert np.all(info['gt_seg_map'][label < 0] == 255)
    assert np.array_equal(info['gt_seg_map'][label >= 0],
                          label[label >= 0].astype(np.uint8))
    assert info['gt_depth_map'].shape == (8, 12)
    assert np.allclose(info['gt_depth_map'], written['depth'][1][..., 0])
    assert dataset.metainfo['classes'][0] == 'bed'
    assert len(dataset.metainfo['classes']) == 13


def test_flip_mirrors_maps_and_negates_normal_x(tmp_path, mmseg_scope):
    written = write_nyuv2(str(tmp_path), 'train', count=1)
    dataset = NYUv2MTANDataset(data_root=str(tmp_path), pipeline=PIPELINE)
    sample = dataset[0]['data_samples']
    normal = written['normal'][0]
    flipped = sample.gt_normal_map.data.numpy().transpose(1, 2, 0)
    assert np.allclose(flipped[:, ::-1, 0], -normal[..., 0])
    assert np.allclose(flipped[:, ::-1, 1:], normal[..., 1:])
    depth = sample.gt_depth_map.data.numpy()[0]
    assert np.allclose(depth[:, ::-1], written['depth'][0][..., 0])


def test_missing_data_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='docs/datasets.md#nyuv2'):
        NYUv2MTANDataset(data_root=str(tmp_path / 'nyu'))
    write_nyuv2(str(tmp_path), 'train', count=2)
    os.remove(tmp_path / 'train' / 'normal' / '1.npy')
    with pytest.raises(FileNotFoundError,
                       match=r"1 images have no normal file.*normal/1\.npy"):
        NYUv2MTANDataset(data_root=str(tmp_path))
    with pytest.raises(FileNotFoundError, match="val/image' does not exist"):
        NYUv2MTANDataset(data_root=str(tmp_path), split='val')


def test_wrong_shapes_are_named(tmp_path):
    write_nyuv2(str(tmp_path), 'train', count=1)
    np.save(tmp_path / 'train' / 'depth' / '0.npy', np.zeros((4, 4)))
    dataset = NYUv2MTANDataset(data_root=str(tmp_path))
    with pytest.raises(ValueError, match=r"depth/0\.npy'.*found \(4, 4\)"):
        dataset.get_data_info(0)
