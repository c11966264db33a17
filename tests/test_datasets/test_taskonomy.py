"""Taskonomy: label decoding, view lists, resizing, clear errors."""
import os

import numpy as np
import pytest

from mtlw.datasets import TaskonomyDataset
from mtlw.datasets.taskonomy import decode
from tests._fixtures.pixelwise_fixtures import write_taskonomy

EIGHT = ['depth', 'normal', 'curvature', 'reshading', 'edge2d', 'edge3d',
         'keypoints2d', 'keypoints3d']


def test_decoding_rules():
    depth = decode('depth', np.array([[512, 65535]], dtype=np.uint16))
    assert np.allclose(depth, [[1.0, 0.0]])
    # BGR (0, 127.5-ish, 255) -> RGB (255, 128, 0) -> (1, ~0, -1) / sqrt 2
    normal = decode('normal', np.array([[[0, 128, 255]]], dtype=np.uint8))
    assert np.allclose(np.linalg.norm(normal, axis=-1), 1.0)
    assert normal[0, 0, 0] == pytest.approx(2 ** -0.5, abs=1e-2)
    assert normal[0, 0, 2] == pytest.approx(-2 ** -0.5, abs=1e-2)
    seg = decode('seg', np.array([[0, 1, 5]], dtype=np.uint8))
    assert seg.tolist() == [[255, 0, 4]]
    edge = decode('edge2d', np.array([[0, 65535]], dtype=np.uint16))
    assert np.allclose(edge, [[0.0, 1.0]])
    # curvature keeps the first two channels in RGB order
    curvature = decode('curvature',
                       np.array([[[51, 102, 255]]], dtype=np.uint8))
    assert np.allclose(curvature, [[[1.0, 0.4]]])


def test_views_of_buildings_with_every_label(tmp_path):
    arrays = write_taskonomy(str(tmp_path), 'alpha',
                             ['point_0_view_0', 'point_1_view_2'])
    dataset = TaskonomyDataset(data_root=str(tmp_path), tasks=EIGHT,
                               buildings=['alpha'])
    assert len(dataset) == 2
    info = dataset.get_data_info(1)
    assert info['img_path'].endswith(
        'alpha/rgb/point_1_view_2_domain_rgb.png')
    assert np.array_equal(info['img'], arrays['rgb'])
    expected = arrays['edge_texture'].astype(np.float32) / 65535
    assert np.allclose(info['gt_edge2d_map'], expected)
    assert info['gt_curvature_map'].shape == (8, 8, 2)
    assert 'gt_keypoints3d_map' in info['seg_fields']


def test_view_list_and_resizing(tmp_path, mmseg_scope):
    write_taskonomy(str(tmp_path), 'alpha', ['point_0_view_0'])
    (tmp_path / 'splits').mkdir()
    (tmp_path / 'splits' / 'test.txt').write_text('alpha point_0_view_0\n')
    dataset = TaskonomyDataset(
        data_root=str(tmp_path), tasks=['depth', 'normal'],
        ann_file='splits/test.txt', img_size=(4, 6),
        pipeline=[dict(type='PackMultiTaskInputs')])
    sample = dataset[0]
    assert sample['inputs'].shape == (3, 4, 6)
    assert sample['data_samples'].gt_depth_map.shape == (4, 6)
    assert sample['data_samples'].gt_normal_map.data.shape == (3, 4, 6)


def test_missing_files_and_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match=r"unknown tasks \['depht'\]"):
        TaskonomyDataset(data_root=str(tmp_path), tasks=['depht'],
                         buildings=['a'])
    with pytest.raises(ValueError, match='buildings'):
        TaskonomyDataset(data_root=str(tmp_path), tasks=['depth'])
    write_taskonomy(str(tmp_path), 'alpha', ['point_0_view_0'])
    os.remove(tmp_path / 'alpha' / 'reshading' /
              'point_0_view_0_domain_reshading.png')
    with pytest.raises(FileNotFoundError,
                       match='point_0_view_0_domain_reshading.png'):
        TaskonomyDataset(data_root=str(tmp_path), tasks=['reshading'],
                         buildings=['alpha'])
    with pytest.raises(FileNotFoundError, match="beta/rgb' does not exist"):
        TaskonomyDataset(data_root=str(tmp_path), tasks=['depth'],
                         buildings=['beta'])
    with pytest.raises(FileNotFoundError, match='view list'):
        TaskonomyDataset(data_root=str(tmp_path), tasks=['depth'],
                         ann_file='splits/none.txt')
