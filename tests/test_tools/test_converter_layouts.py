"""The converters of datasets used (nearly) as downloaded: Cityscapes, KITTI
raw, KITTI stereo 2015, Miniscapes, NYUv2 (MTAN) and Taskonomy."""
import os
import shutil

import cv2
import numpy as np
import pytest

from mtlw.datasets import (CityscapesDepthSegDataset,
                           KittiStereo2015DepthDataset, KittiStereoDataset,
                           MiniscapesDataset, NYUv2MTANDataset,
                           TaskonomyDataset)
from mtlw.datasets.cityscapes_depth_seg import CLASSES
from mtlw.datasets.utils import DataFileError
from tests._fixtures.converters import load_converter
from tests._fixtures.depth_seg_fixtures import (write_cityscapes,
                                                write_kitti_stereo2015,
                                                write_miniscapes)
from tests._fixtures.monodepth_fixtures import write_kitti
from tests._fixtures.pixelwise_fixtures import write_nyuv2, write_taskonomy


def _cityscapes(root):
    """The fixture with labelIds (a tiled 2 x 4 pattern) instead of train
    ids, and right views."""
    write_cityscapes(str(root), 'val')
    label_ids = np.array([[7, 26, 9, 0], [24, 33, 23, 5]], np.uint8)
    for path in sorted(root.glob('gtFine/val/*/*_labelTrainIds.png')):
        path.unlink()
        size = cv2.imread(str(path).replace('gtFine/', 'leftImg8bit/').replace(
            'gtFine_labelTrainIds', 'leftImg8bit')).shape[:2]
        cv2.imwrite(str(path).replace('labelTrainIds', 'labelIds'),
                    np.tile(label_ids, (size[0] // 2, size[1] // 4)))
    for left in root.glob('leftImg8bit/val/*/*.png'):
        right = str(left).replace('leftImg8bit', 'rightImg8bit')
        os.makedirs(os.path.dirname(right), exist_ok=True)
        shutil.copyfile(left, right)


def test_cityscapes_train_ids_and_categories(tmp_path, capsys):
    converter = load_converter('cityscapes')
    _cityscapes(tmp_path)
    rows = converter.main([str(tmp_path), '--splits', 'val',
                           '--categories'])
    assert [row.count for row in rows] == [2] * 5
    assert 'subset of the official 500' in capsys.readouterr().out
    path = next(tmp_path.glob('gtFine/val/*/*_labelTrainIds.png'))
    train_ids = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)[:2, :4]
    named = [[CLASSES.index(n) if n else 255 for n in row] for row in (
        ('road', 'car', None, None), ('person', 'bicycle', 'sky', None))]
    np.testing.assert_array_equal(train_ids, named)
    categories = cv2.imread(str(path).replace('TrainIds', 'CategoryIds'),
                            cv2.IMREAD_UNCHANGED)[:2, :4]
    names = converter.CATEGORIES
    want = [[names.index(n) if n else 255 for n in row] for row in (
        ('flat', 'vehicle', 'flat', None), ('human', 'vehicle', 'sky', None))]
    np.testing.assert_array_equal(categories, want)
    dataset = CityscapesDepthSegDataset(str(tmp_path), split='val')
    np.testing.assert_array_equal(
        dataset.get_data_info(0)['gt_seg_map'][:2, :4], named)


def test_cityscapes_missing_partner_and_corrupt_label_named(tmp_path):
    converter = load_converter('cityscapes')
    _cityscapes(tmp_path)
    right = next(tmp_path.glob('rightImg8bit/val/*/*.png'))
    right.unlink()
    with pytest.raises(FileNotFoundError, match=right.name):
        converter.main([str(tmp_path), '--splits', 'val'])
    label = next(tmp_path.glob('gtFine/val/*/*_labelIds.png'))
    label.write_bytes(b'broken')
    with pytest.raises(DataFileError, match=label.name):
        converter.main([str(tmp_path), '--splits', 'val'])


def test_kitti_raw_to_jpg_and_pair_lists(tmp_path):
    converter = load_converter('kitti_raw')
    write_kitti(str(tmp_path))
    lists = str(tmp_path / 'eigen_test_files.txt')
    rows = converter.main([str(tmp_path), '--to-jpg', '--remove-png'])
    assert [row.count for row in rows] == [2, 2, 1, 1, 2]
    assert not list(tmp_path.glob('*/*/image_02/data/*.png'))
    jpg = cv2.imread(str(next(tmp_path.glob('*/*/image_02/data/*.jpg'))))
    assert jpg.dtype == np.uint8 and jpg.ndim == 3
    with pytest.raises(FileNotFoundError, match='0000000069.png'):
        converter.main([str(tmp_path), '--pair-list', lists])
    text = open(lists).read().replace('.png', '.jpg')
    open(lists, 'w').write(text)
    converter.main([str(tmp_path), '--check-only', '--pair-list', lists])
    assert len(KittiStereoDataset(str(tmp_path), lists)) == 2
    (tmp_path / '2011_09_26' / 'calib_velo_to_cam.txt').unlink()
    with pytest.raises(FileNotFoundError, match='calib_velo_to_cam'):
        converter.main([str(tmp_path), '--check-only'])


def test_kitti_stereo2015_keeps_frames_with_disparity(tmp_path, capsys):
    converter = load_converter('kitti_stereo2015')
    source = tmp_path / 'data_scene_flow'
    write_kitti_stereo2015(str(source))
    for frame in source.glob('training/image_2/*_10.png'):
        shutil.copyfile(frame, str(frame).replace('_10.png', '_11.png'))
    out = tmp_path / 'out'
    rows = converter.main([str(source), '--out', str(out)])
    assert [row.count for row in rows] == [2, 2]
    assert 'subset of the official 200' in capsys.readouterr().out
    assert len(KittiStereo2015DepthDataset(str(out))) == 2
    bad = next(out.glob('training/disp_occ_0/*.png'))
    cv2.imwrite(str(bad), np.zeros((8, 1242), np.uint8))
    with pytest.raises(DataFileError, match=f'{bad.name}.*dtype expected'):
        converter.main([str(source), '--out', str(out), '--check-only'])
    (source / 'training' / 'image_2' / bad.name).unlink()
    with pytest.raises(FileNotFoundError, match=bad.name):
        converter.main([str(source), '--out', str(out)])


def test_miniscapes_checks_loader_layout(tmp_path):
    converter = load_converter('miniscapes')
    write_miniscapes(str(tmp_path), 'val', num=3)
    rows = converter.main([str(tmp_path), '--splits', 'val'])
    assert [(row.count, row.dtypes) for row in rows] == [(3, 'uint8')] * 3
    assert len(MiniscapesDataset(str(tmp_path), split='val')) == 3
    label = tmp_path / 'val' / 'semseg' / '1.png'
    cv2.imwrite(str(label), np.full((16, 32), 40, np.uint8))
    with pytest.raises(DataFileError, match=r'semseg/1.png.*values'):
        converter.main([str(tmp_path), '--splits', 'val'])
    with pytest.raises(FileNotFoundError, match='train/rgb'):
        converter.main([str(tmp_path), '--splits', 'train'])


def test_nyuv2_mtan_checks_shapes(tmp_path):
    converter = load_converter('nyuv2_mtan')
    write_nyuv2(str(tmp_path), 'val', count=2, height=8, width=12)
    rows = converter.main([str(tmp_path), '--splits', 'val', '--size', '8',
                           '12'])
    assert [row.count for row in rows] == [2] * 4
    assert rows[1].values.startswith('-1')
    assert len(NYUv2MTANDataset(str(tmp_path), split='val')) == 2
    with pytest.raises(DataFileError, match=r'image/0.npy.*size'):
        converter.main([str(tmp_path), '--splits', 'val'])
    (tmp_path / 'val' / 'depth' / '1.npy').unlink()
    with pytest.raises(FileNotFoundError, match=r'val/depth/\*.npy'):
        converter.main([str(tmp_path), '--splits', 'val', '--size', '8',
                        '12'])


def test_taskonomy_checks_every_view(tmp_path):
    converter = load_converter('taskonomy')
    views = ['point_0_view_0', 'point_0_view_1']
    write_taskonomy(str(tmp_path), 'allensville', views)
    rows = converter.main([str(tmp_path), '--tasks', 'depth', 'normal'])
    assert [(row.count, row.dtypes) for row in rows] == [
        (2, 'uint8'), (2, 'uint16'), (2, 'uint8')]
    assert len(TaskonomyDataset(str(tmp_path), tasks=['depth'],
                                buildings=['allensville'])) == 2
    missing = (tmp_path / 'allensville' / 'normal' /
               'point_0_view_1_domain_normal.png')
    missing.unlink()
    with pytest.raises(FileNotFoundError, match=missing.name):
        converter.main([str(tmp_path), '--tasks', 'normal'])
    with pytest.raises(FileNotFoundError, match='nowhere'):
        converter.main([str(tmp_path / 'nowhere')])
