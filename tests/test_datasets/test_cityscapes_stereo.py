"""CityscapesStereoDataset and the Cityscapes camera on a tiny fixture."""
import os
import os.path as osp

import cv2
import numpy as np
import pytest

from mtlw.datasets.cityscapes_camera import (CITYSCAPES_BASELINE,
                                             CITYSCAPES_FOCAL,
                                             disparity_png_to_depth)
from mtlw.registry import DATASETS
from tests._fixtures.monodepth_fixtures import (CITYSCAPES_SIZE,
                                                write_cityscapes)

HEIGHT, WIDTH = CITYSCAPES_SIZE
pytestmark = pytest.mark.usefixtures('mmseg_scope')


def test_disparity_png_to_depth_by_hand():
    png = np.array([[0, 1, 257], [129, 513, 65535]], dtype=np.uint16)
    depth = disparity_png_to_depth(png)
    bf = CITYSCAPES_BASELINE * CITYSCAPES_FOCAL
    expected = [[0, 0, bf / 1], [bf / 0.5, bf / 2, bf / (65534 / 256)]]
    assert depth.dtype == np.float32
    assert np.allclose(depth, expected, rtol=1e-6, atol=0)
    with pytest.raises(ValueError, match='one channel'):
        disparity_png_to_depth(np.zeros((2, 2, 3), np.uint16))


def test_cityscapes_pairs_cropped_with_depth(tmp_path):
    root = write_cityscapes(str(tmp_path))
    dataset = DATASETS.build(dict(
        type='CityscapesStereoDataset', data_root=root, with_depth=True,
        pipeline=[dict(type='PackMultiTaskInputs')]))
    assert len(dataset) == 2
    info = dataset.get_data_info(1)
    assert info['img_path'].endswith(
        'leftImg8bit/train/bochum/bochum_000000_000313_leftImg8bit.png')
    assert info['img_right_path'].endswith(
        'rightImg8bit/train/bochum/bochum_000000_000313_rightImg8bit.png')
    left = cv2.imread(info['img_path'])
    assert np.array_equal(info['img'], left[:8])  # bottom fifth cut
    assert info['ori_shape'] == info['img_shape'] == (8, WIDTH)
    focal = CITYSCAPES_FOCAL * WIDTH / 2048
    assert info['focal'] == pytest.approx(focal)
    assert info['baseline'] == CITYSCAPES_BASELINE
    depth = dataset[1]['data_samples'].gt_depth_map.data[0]
    assert depth.shape == (8, WIDTH)
    assert depth[0, 1].item() == pytest.approx(CITYSCAPES_BASELINE * focal)
    assert np.count_nonzero(depth.numpy()) == 1


def test_cityscapes_several_splits_like_the_authors_training_list(tmp_path):
    root = write_cityscapes(str(tmp_path), 'train')
    write_cityscapes(root, 'train_extra')
    dataset = DATASETS.build(dict(type='CityscapesStereoDataset',
                                  data_root=root,
                                  split=('train', 'train_extra')))
    paths = [dataset.get_data_info(i)['img_path'] for i in range(len(dataset))]
    assert [p.split(os.sep)[-3] for p in paths] == [
        'train', 'train', 'train_extra', 'train_extra']
    with pytest.raises(ValueError, match=r"split must be one of .* got "
                                         r"\('train', 'extra'\)"):
        DATASETS.build(dict(type='CityscapesStereoDataset', data_root=root,
                            split=('train', 'extra')))


def test_cityscapes_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'(?s)Data root .* does not '
                                                r'exist.*rightImg8bit'):
        DATASETS.build(dict(type='CityscapesStereoDataset',
                            data_root=str(tmp_path / 'missing')))
    with pytest.raises(FileNotFoundError,
                       match=r'no Cityscapes left images match .*leftImg8bit'
                             r'/val/\*/\*_leftImg8bit.png'):
        DATASETS.build(dict(type='CityscapesStereoDataset',
                            data_root=str(tmp_path), split='val'))
    with pytest.raises(ValueError, match="split must be one of"):
        DATASETS.build(dict(type='CityscapesStereoDataset',
                            data_root=str(tmp_path), split='training'))
    with pytest.raises(ValueError, match=r'crop_bottom must be in \[0, 1\)'):
        DATASETS.build(dict(type='CityscapesStereoDataset',
                            data_root=str(tmp_path), crop_bottom=1.0))
    root = write_cityscapes(str(tmp_path))
    os.remove(osp.join(root, 'disparity', 'train', 'aachen',
                       'aachen_000000_000019_disparity.png'))
    dataset = DATASETS.build(dict(type='CityscapesStereoDataset',
                                  data_root=root, with_depth=True))
    with pytest.raises(FileNotFoundError,
                       match='aachen_000000_000019_disparity.png'):
        dataset.get_data_info(0)
