"""NYUv2 with 40 classes: label shift, millimetre depth, errors; the 4
structure classes."""
import os.path as osp

import cv2
import numpy as np
import pytest

from mtlw.datasets import NYUv2Depth40Dataset
from mtlw.datasets.nyuv2_depth40 import (CLASS4_MAP, CLASSES, CLASSES4,
                                         load_class4_mapping)
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


def test_class4_table_covers_every_class_once():
    rows = [line.split('\t') for line in open(CLASS4_MAP)
            if line.strip() and not line.startswith('#')]
    assert sorted(int(row[0]) for row in rows) == list(range(1, 41))
    table = load_class4_mapping()
    assert table[0] == 0 and set(table[1:]) == {1, 2, 3, 4}
    named = {CLASSES[i - 1]: CLASSES4[table[i] - 1] for i in range(1, 41)}
    assert named['floor'] == 'ground' and named['wall'] == 'structure'
    assert named['bed'] == 'furniture' and named['books'] == 'props'
    assert named['otherstructure'] == 'structure'
    assert named['otherfurniture'] == 'furniture'
    assert named['otherprop'] == 'props'


def test_class4_table_errors_name_the_line(tmp_path):
    lines = open(CLASS4_MAP).read().splitlines(keepends=True)
    body = [line for line in lines if line.strip() and line[0] != '#']
    path = tmp_path / 'short.txt'
    path.write_text(''.join(body[:-1]))
    with pytest.raises(ValueError, match=r'ids \[40\] have no 4-class'):
        load_class4_mapping(str(path))
    path = tmp_path / 'twice.txt'
    path.write_text(''.join(body + body[:1]))
    with pytest.raises(ValueError, match="id 1 \\('wall'\\) is repeated"):
        load_class4_mapping(str(path))
    path = tmp_path / 'bad.txt'
    path.write_text(body[0].replace('\tstructure', '\tfloor') + ''.join(
        body[1:]))
    with pytest.raises(ValueError, match="4-class id 2 \\('floor'\\)"):
        load_class4_mapping(str(path))


def test_four_classes_read_through_the_table(tmp_path):
    root = write_nyuv2_40(str(tmp_path), 'test', num=2)
    dataset = NYUv2Depth40Dataset(root, split='test', num_classes=4)
    path = dataset.get_data_info(0)['seg_map_path']
    # unlabelled, wall, floor, cabinet, picture, floor mat, otherprop
    raw = np.array([0, 1, 2, 3, 11, 20, 40], np.uint8)
    cv2.imwrite(path, np.resize(raw, (16, 32)).astype(np.uint8))
    want = np.array([255, 1, 0, 2, 3, 0, 3])
    np.testing.assert_array_equal(dataset[0]['gt_seg_map'],
                                  np.resize(want, (16, 32)))
    assert dataset.metainfo['classes'] == CLASSES4
    with pytest.raises(ValueError, match='num_classes must be one of'):
        NYUv2Depth40Dataset(root, split='test', num_classes=13)
