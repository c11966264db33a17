"""Miniscapes: inverse-depth decoding and the on-disk layout."""
import os
import os.path as osp

import numpy as np
import pytest

from mtlw.datasets import MiniscapesDataset
from mtlw.datasets.miniscapes import miniscapes_depth
from mtlw.datasets.utils import read_image
from tests._fixtures.depth_seg_fixtures import write_miniscapes


def test_inverse_depth_codes_by_hand():
    codes = np.array([[0, 1, 255, 128]], dtype=np.uint8)
    depth = miniscapes_depth(codes)
    inverse = 1 / 300 + (128 - 1) / 254 * (1 / 4 - 1 / 300)
    assert depth.tolist()[0] == pytest.approx([0.0, 300.0, 4.0, 1 / inverse],
                                              rel=1e-5)
    # the encoding of the layout: x = 1 + 254 (1/z - 1/300) / (1/4 - 1/300)
    z = 25.0
    code = 1 + 254 * (1 / z - 1 / 300) / (1 / 4 - 1 / 300)
    assert miniscapes_depth(np.array([[round(code)]], np.uint8))[0, 0] == \
        pytest.approx(z, rel=0.05)
    with pytest.raises(ValueError, match='one channel'):
        miniscapes_depth(np.zeros((2, 2, 3), np.uint8))


def test_samples_follow_the_files(tmp_path):
    root = write_miniscapes(str(tmp_path), 'val', num=3)
    dataset = MiniscapesDataset(root, split='val')
    assert [osp.basename(dataset.get_data_info(i)['img_path'])
            for i in range(3)] == ['0.jpg', '1.jpg', '2.jpg']
    sample = dataset[2]
    png = read_image(dataset.get_data_info(2)['depth_path'], 'grayscale')
    assert np.allclose(sample['gt_depth_map'], miniscapes_depth(png))
    assert sample['gt_seg_map'][0, 0] == 255
    assert sample['img'].shape == (16, 32, 3)


def test_layout_errors_name_the_files(tmp_path):
    root = write_miniscapes(str(tmp_path), 'train', num=2)
    with pytest.raises(ValueError, match='split must be one of'):
        MiniscapesDataset(root, split='eval')
    with pytest.raises(FileNotFoundError, match='Expected layout'):
        MiniscapesDataset(str(tmp_path / 'missing'))
    os.remove(osp.join(root, 'train', 'depth', '1.png'))
    with pytest.raises(FileNotFoundError, match=r'depth.*1\.png'):
        MiniscapesDataset(root)
