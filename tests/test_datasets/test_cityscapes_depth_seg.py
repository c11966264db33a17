"""Cityscapes semantics + depth, KITTI 2015 depth and unpaired labels."""
import os
import os.path as osp

import numpy as np
import pytest

from mtlw.datasets import (CityscapesDepthSegDataset, FillMissingLabels,
                           KittiStereo2015DepthDataset)
from mtlw.datasets.cityscapes_camera import (CITYSCAPES_BASELINE,
                                             CITYSCAPES_FOCAL)
from mtlw.datasets.kitti_stereo import KITTI_BASELINE, kitti_focal
from mtlw.datasets.utils import read_image
from tests._fixtures.depth_seg_fixtures import (KITTI_WIDTH, write_cityscapes,
                                                write_kitti_stereo2015)


def test_cityscapes_samples_hold_train_ids_and_metric_depth(tmp_path):
    root = write_cityscapes(str(tmp_path), 'val', num=2)
    dataset = CityscapesDepthSegDataset(root, split='val')
    assert len(dataset) == 2
    sample = dataset[1]
    path = dataset.get_data_info(1)['gt_depth_map_path']
    png = read_image(path, 'unchanged').astype(np.float64)
    focal = CITYSCAPES_FOCAL * 32 / 2048  # scaled to the fixture width
    expected = np.where(png > 1, CITYSCAPES_BASELINE * focal /
                        np.maximum((png - 1) / 256, 1e-12), 0)
    assert np.allclose(sample['gt_depth_map'], expected, rtol=1e-5)
    assert (sample['gt_depth_map'][-1] == 0).all()
    assert sample['gt_seg_map'].dtype == np.uint8
    assert (sample['gt_seg_map'][0] == 255).all()
    assert sample['img'].shape == (16, 32, 3)


def test_cityscapes_semantics_only_and_errors(tmp_path):
    root = write_cityscapes(str(tmp_path), 'train', num=1)
    seg_only = CityscapesDepthSegDataset(root, labels=('gt_seg_map', ))
    assert 'gt_depth_map' not in seg_only[0]
    with pytest.raises(ValueError, match='split must be one of'):
        CityscapesDepthSegDataset(root, split='training')
    with pytest.raises(ValueError, match='unknown labels'):
        CityscapesDepthSegDataset(root, labels=('gt_normal_map', ))
    with pytest.raises(FileNotFoundError, match='leftImg8bit'):
        CityscapesDepthSegDataset(str(tmp_path / 'nowhere'))
    disparity = osp.join(root, 'disparity', 'train', 'aachen',
                         'aachen_000000_000000_disparity.png')
    os.remove(disparity)
    with pytest.raises(FileNotFoundError, match='disparity'):
        CityscapesDepthSegDataset(root)


def test_kitti_depth_from_disparity(tmp_path):
    root = write_kitti_stereo2015(str(tmp_path), num=2)
    dataset = KittiStereo2015DepthDataset(root)
    sample = dataset[0]
    png = read_image(dataset.get_data_info(0)['depth_path'], 'unchanged')
    row, col = 3, 20
    expected = kitti_focal(KITTI_WIDTH) * KITTI_BASELINE / (
        png[row, col] / 256)
    assert sample['gt_depth_map'][row, col] == pytest.approx(expected,
                                                             rel=1e-5)
    assert (sample['gt_depth_map'][:, :10] == 0).all()
    assert 'gt_seg_map' not in sample
    with pytest.raises(FileNotFoundError, match='image_2'):
        KittiStereo2015DepthDataset(str(tmp_path / 'empty'))


def test_fill_missing_labels_drops_and_fills():
    results = dict(img=np.zeros((4, 6, 3), np.uint8),
                   gt_seg_map=np.ones((4, 6), np.uint8),
                   gt_depth_map=np.full((4, 6), 3.0, np.float32))
    out = FillMissingLabels(drop=('gt_seg_map', ))(dict(results))
    assert (out['gt_seg_map'] == 255).all() and out['gt_seg_map'].shape == (
        4, 6)
    assert (out['gt_depth_map'] == 3.0).all()
    out = FillMissingLabels(keys=('gt_seg_map', 'gt_depth_map',
                                  'gt_normal_map'),
                            drop=('gt_depth_map', ))(dict(results))
    assert (out['gt_depth_map'] == 0).all()
    assert out['gt_normal_map'].shape == (4, 6, 3)
    with pytest.raises(ValueError, match='without filling them again'):
        FillMissingLabels(keys=('gt_seg_map', ), drop=('gt_depth_map', ))
    with pytest.raises(KeyError, match='needs the loaded image'):
        FillMissingLabels()(dict(gt_seg_map=results['gt_seg_map']))
