"""PascalContext59Dataset on a fixture in mmseg's layout, and its errors."""
import os

import cv2
import numpy as np
import pytest
from mmengine.registry import DefaultScope

from mtlw.datasets import PascalContext59Dataset
from tests._fixtures.encnet_fixtures import (SPLITS, label_map,
                                             write_pascal_context)

PREFIX = dict(img_path='JPEGImages', seg_map_path='SegmentationClassContext')
PIPELINE = [
    dict(type='CheckedLoadImageFromFile'),
    dict(type='CheckedLoadAnnotations', reduce_zero_label=True,
         num_classes=59),
]


def dataset(data_root, split='train'):
    with DefaultScope.overwrite_default_scope('mmseg'):
        return PascalContext59Dataset(
            data_root=data_root, data_prefix=PREFIX,
            ann_file=f'ImageSets/SegmentationContext/{split}.txt',
            pipeline=PIPELINE)


def test_loads_the_split_with_background_ignored(tmp_path):
    data_root = write_pascal_context(tmp_path)
    train, val = dataset(data_root), dataset(data_root, 'val')
    assert len(train) == len(SPLITS['train'])
    assert len(val) == len(SPLITS['val'])
    assert len(train.metainfo['classes']) == 59
    sample = train[1]
    assert sample['img'].shape == (40, 56, 3)
    written = label_map(1, (40, 56)).astype(np.int64)
    # background 0 -> ignored 255; class k -> k - 1
    expected = np.where(written == 0, 255, written - 1)
    np.testing.assert_array_equal(sample['gt_seg_map'], expected)


def test_missing_root_names_path_layout_and_docs(tmp_path):
    missing = str(tmp_path / 'VOCdevkit' / 'VOC2010')
    with pytest.raises(FileNotFoundError) as error:
        dataset(missing)
    message = str(error.value)
    assert missing in message
    assert 'SegmentationClassContext/<id>.png' in message
    assert 'docs/datasets.md#pascal-context-59' in message


def test_missing_label_folder_is_named(tmp_path):
    data_root = write_pascal_context(tmp_path)
    labels = os.path.join(data_root, 'SegmentationClassContext')
    os.rename(labels, labels + '_moved')
    with pytest.raises(FileNotFoundError, match='label folder') as error:
        dataset(data_root)
    assert labels in str(error.value)


def test_missing_split_file_is_named(tmp_path):
    data_root = write_pascal_context(tmp_path)
    split = os.path.join(data_root, 'ImageSets', 'SegmentationContext',
                         'val.txt')
    os.remove(split)
    with pytest.raises(FileNotFoundError, match='split file') as error:
        dataset(data_root, 'val')
    assert split in str(error.value)


def test_listed_but_missing_images_are_counted_and_shown(tmp_path):
    data_root = write_pascal_context(tmp_path)
    image_id = SPLITS['train'][2]
    image = os.path.join(data_root, 'JPEGImages', f'{image_id}.jpg')
    os.remove(image)
    with pytest.raises(FileNotFoundError,
                       match='1 files listed by the split file') as error:
        dataset(data_root)
    assert image in str(error.value)


def test_fixture_writes_readable_jpeg_and_png(tmp_path):
    data_root = write_pascal_context(tmp_path)
    image_id = SPLITS['val'][0]
    label = cv2.imread(
        os.path.join(data_root, 'SegmentationClassContext',
                     f'{image_id}.png'), cv2.IMREAD_UNCHANGED)
    assert label.dtype == np.uint8 and label.shape == (40, 56)
    assert set(np.unique(label)) <= set(range(60))
