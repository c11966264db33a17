"""NYUv2 with 40 classes: label shift, millimetre depth, errors."""
import os.path as osp

import cv2
import numpy as np
import pytest

from mtlw.datasets import NYUv2Depth40Dataset
from mtlw.datasets.utils import read_image
from tests._fixtures.depth_seg_fixtures import write_nyuv2_40


def test_labels_shift_and_depth_in_metres(tmp_path):
    root = write_nyuv2_40(str(tmp_path), 'test', num=2)
    dataset = NYUv2Depth40Dataset(root, split='test')
    info = dataset.get_data_info(0)
    raw_labels = read_image(info['seg_map_path'], 'grayscale')
    raw_depth = read_image(info['depth_path'], 'unchanged')
    sample = dataset[0]
    expected = np.where(raw_labels == 0, 255, raw_labels.astype(int) - 1)
    assert (sample['gt_seg_map'] == expected).all()
    assert np.allclose(sample['gt_depth_map'], raw_depth / 1000.0)
    assert (sample['gt_depth_map'][0, :3] == 0).all()
    assert len(dataset.metainfo['classes']) == 40


def test_bad_files_are_named(tmp_path):
    root = write_nyuv2_40(str(tmp_path), 'train', num=1)
    depth_path = osp.join(root, 'train', 'depth', '0.png')
    cv2.imwrite(depth_path, np.zeros((16, 32), np.uint8))
    with pytest.raises(ValueError, match=r'0\.png.*uint16'):
        NYUv2Depth40Dataset(root)[0]
    cv2.imwrite(depth_path, np.zeros((8, 32), np.uint16))
    with pytest.raises(ValueError, match=r'size \(H, W\) expected \(16, 32\)'):
        NYUv2Depth40Dataset(root)[0]
    with pytest.raises(ValueError, match='split must be one of'):
        NYUv2Depth40Dataset(root, split='val')
