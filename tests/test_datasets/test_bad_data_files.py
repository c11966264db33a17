"""Every loader refuses a bad data file with an error naming the file, the
expected and the found property (instead of learning from it)."""
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.registry import DefaultScope

from mtlw.datasets import (CityscapesDepthSegDataset, MiniscapesDataset,
                           NYUv2Depth40Dataset, NYUv2MTANDataset,
                           PascalContext59Dataset, TaskonomyDataset)
from mtlw.datasets.utils import DataFileError, check_array, read_image
from mtlw.registry import DATASETS
from tests._fixtures import depth_seg_fixtures as ds
from tests._fixtures import monodepth_fixtures as md
from tests._fixtures.encnet_fixtures import write_pascal_context
from tests._fixtures.pixelwise_fixtures import write_nyuv2, write_taskonomy

CITY = 'aachen_000000_000000'


def empty(path):
    open(path, 'wb').close()


def rewrite(path, array):
    if path.endswith('.npy'):
        np.save(path, array)
    else:
        assert cv2.imwrite(path, array)


def shrunk(path):
    """The file's own array, half as high: a map unlike its image."""
    array = np.load(path) if path.endswith('.npy') else \
        read_image(path, 'unchanged')
    return array[:array.shape[0] // 2]


def pascal(tmp_path):
    root = write_pascal_context(tmp_path)
    config = dict(data_root=root, ann_file=(
        'ImageSets/SegmentationContext/train.txt'), data_prefix=dict(
            img_path='JPEGImages', seg_map_path='SegmentationClassContext'),
        pipeline=[dict(type='CheckedLoadImageFromFile'),
                  dict(type='Resize', scale=(64, 64), keep_ratio=True),
                  dict(type='CheckedLoadAnnotations', reduce_zero_label=True,
                       num_classes=59)])

    def load():
        with DefaultScope.overwrite_default_scope('mmseg'):
            return PascalContext59Dataset(**config)[0]

    return load, dict(
        img=osp.join(root, 'JPEGImages', '2008_000002.jpg'),
        seg=osp.join(root, 'SegmentationClassContext', '2008_000002.png'))


def kitti2015(tmp_path):
    root = ds.write_kitti_stereo2015(str(tmp_path), num=1)
    return (lambda: DATASETS.build(dict(
        type='KittiStereo2015DepthDataset', data_root=root)).get_data_info(0),
            dict(img=osp.join(root, 'training', 'image_2', '000000_10.png'),
                 disp=osp.join(root, 'training', 'disp_occ_0',
                               '000000_10.png')))


def cityscapes_depth_seg(tmp_path):
    root = ds.write_cityscapes(str(tmp_path), num=1)
    base = osp.join(root, '{}', 'train', 'aachen', CITY + '_{}.png')
    return (lambda: CityscapesDepthSegDataset(root).get_data_info(0),
            dict(img=base.format('leftImg8bit', 'leftImg8bit'),
                 seg=base.format('gtFine', 'gtFine_labelTrainIds'),
                 disp=base.format('disparity', 'disparity')))


def cityscapes_stereo(tmp_path):
    root = md.write_cityscapes(str(tmp_path))
    stem = md.CITYSCAPES_STEMS[0]
    base = osp.join(root, '{}', 'train', 'aachen', stem + '_{}.png')
    return (lambda: DATASETS.build(dict(
        type='CityscapesStereoDataset', data_root=root,
        with_depth=True)).get_data_info(0),
            dict(img=base.format('rightImg8bit', 'rightImg8bit'),
                 disp=base.format('disparity', 'disparity')))


def kitti_stereo(tmp_path):
    root = md.write_kitti(str(tmp_path), frames=('0000000069', ))
    drive = osp.join(root, md.DRIVE)
    return (lambda: DATASETS.build(dict(
        type='KittiStereoDataset', data_root=root, gt_depth='png',
        ann_file='eigen_test_files.txt')).get_data_info(0),
            dict(img=osp.join(drive, 'image_02', 'data', '0000000069.png'),
                 depth=osp.join(drive, 'proj_depth', 'groundtruth',
                                'image_02', '0000000069.png')))


def miniscapes(tmp_path):
    root = ds.write_miniscapes(str(tmp_path), num=1)
    split = osp.join(root, 'train')
    return (lambda: MiniscapesDataset(root).get_data_info(0),
            dict(img=osp.join(split, 'rgb', '0.jpg'),
                 seg=osp.join(split, 'semseg', '0.png'),
                 depth=osp.join(split, 'depth', '0.png')))


def nyuv2_40(tmp_path):
    root = ds.write_nyuv2_40(str(tmp_path), num=1)
    split = osp.join(root, 'train')
    return (lambda: NYUv2Depth40Dataset(root).get_data_info(0),
            dict(img=osp.join(split, 'image', '0.png'),
                 seg=osp.join(split, 'label40', '0.png'),
                 depth=osp.join(split, 'depth', '0.png')))


def nyuv2_mtan(tmp_path):
    write_nyuv2(str(tmp_path), count=1)
    split = osp.join(str(tmp_path), 'train')
    return (lambda: NYUv2MTANDataset(str(tmp_path)).get_data_info(0),
            dict(img=osp.join(split, 'image', '0.npy'),
                 seg=osp.join(split, 'label', '0.npy'),
                 depth=osp.join(split, 'depth', '0.npy')))


def taskonomy(tmp_path):
    view = 'point_0_view_0'
    write_taskonomy(str(tmp_path), 'alpha', [view])
    path = osp.join(str(tmp_path), 'alpha', '{0}', f'{view}_domain_{{0}}.png')
    return (lambda: TaskonomyDataset(
        str(tmp_path), tasks=['seg', 'depth', 'normal'], buildings=['alpha'],
        img_size=(4, 4)).get_data_info(0),
            dict(img=path.format('rgb'), seg=path.format('segment_semantic'),
                 depth=path.format('depth_zbuffer')))


LOADERS = dict(pascal=pascal, kitti2015=kitti2015,
               cityscapes_depth_seg=cityscapes_depth_seg,
               cityscapes_stereo=cityscapes_stereo, kitti_stereo=kitti_stereo,
               miniscapes=miniscapes, nyuv2_40=nyuv2_40, nyuv2_mtan=nyuv2_mtan,
               taskonomy=taskonomy)


@pytest.mark.parametrize('loader', sorted(LOADERS))
def test_the_intact_fixture_loads(tmp_path, loader):
    assert LOADERS[loader](tmp_path)[0]()['img'].ndim == 3


@pytest.mark.parametrize('loader', sorted(LOADERS))
def test_empty_image_is_named(tmp_path, loader):
    load, files = LOADERS[loader](tmp_path)
    empty(files['img'])
    with pytest.raises(DataFileError, match=r'empty \(0 bytes\)') as error:
        load()
    assert repr(files['img']) in str(error.value)


def test_undecodable_image_is_named_through_mmcv_loading(tmp_path):
    load, files = pascal(tmp_path)
    with open(files['img'], 'wb') as file:
        file.write(b'\xff\xd8 not a jpeg')
    with pytest.raises(DataFileError, match='Cannot decode image') as error:
        load()
    assert repr(files['img']) in str(error.value)


@pytest.mark.parametrize('loader', sorted(
    name for name in LOADERS if name not in ('kitti2015', 'cityscapes_stereo',
                                             'kitti_stereo')))
def test_label_map_of_another_size_is_refused(tmp_path, loader):
    load, files = LOADERS[loader](tmp_path)
    array = shrunk(files['seg'])
    rewrite(files['seg'], array)
    with pytest.raises(DataFileError) as error:
        load()
    message = str(error.value)
    assert repr(files['seg']) in message
    assert 'size (H, W) expected' in message
    assert f'found {array.shape[:2]}' in message


@pytest.mark.parametrize('loader,key', [
    ('kitti2015', 'disp'), ('cityscapes_depth_seg', 'disp'),
    ('cityscapes_stereo', 'disp'), ('kitti_stereo', 'depth'),
    ('nyuv2_40', 'depth'), ('taskonomy', 'depth')])
def test_8_bit_depth_or_disparity_is_refused(tmp_path, loader, key):
    load, files = LOADERS[loader](tmp_path)
    rewrite(files[key], (read_image(files[key], 'unchanged') // 256)
            .astype(np.uint8))
    with pytest.raises(DataFileError,
                       match=r'dtype expected uint16.*found uint8') as error:
        load()
    assert repr(files[key]) in str(error.value)


def test_16_bit_miniscapes_depth_is_refused(tmp_path):
    load, files = miniscapes(tmp_path)
    rewrite(files['depth'], np.full((16, 32), 1000, np.uint16))
    with pytest.raises(DataFileError,
                       match=r'dtype expected uint8.*found uint16'):
        load()


@pytest.mark.parametrize('loader', ['kitti2015', 'cityscapes_depth_seg',
                                    'cityscapes_stereo'])
def test_unscaled_disparity_is_refused(tmp_path, loader):
    # Disparities in pixels (not x 256) as uint16: the 1995 m median depth.
    load, files = LOADERS[loader](tmp_path)
    png = read_image(files['disp'], 'unchanged')
    rewrite(files['disp'], (png // 256).astype(np.uint16))
    with pytest.raises(DataFileError, match='looks unscaled') as error:
        load()
    assert repr(files['disp']) in str(error.value)


@pytest.mark.parametrize('loader,value,expected', [
    ('pascal', 61, '0..58'), ('cityscapes_depth_seg', 19, '0..18'),
    ('miniscapes', 40, '0..18'), ('nyuv2_40', 41, '0..40'),
    ('nyuv2_mtan', 13, '-1..12')])
def test_labels_out_of_range_are_refused(tmp_path, loader, value, expected):
    load, files = LOADERS[loader](tmp_path)
    path = files['seg']
    array = np.load(path) if path.endswith('.npy') else \
        read_image(path, 'unchanged')
    array[1, 1] = value
    rewrite(path, array)
    with pytest.raises(DataFileError,
                       match=f'values expected {expected}') as error:
        load()
    assert repr(path) in str(error.value)


def test_empty_npy_and_out_of_range_image_are_refused(tmp_path):
    load, files = nyuv2_mtan(tmp_path)
    empty(files['depth'])
    with pytest.raises(DataFileError, match='empty'):
        load()
    write_nyuv2(str(tmp_path), count=1)
    rewrite(files['img'], np.full((8, 12, 3), 200.0, np.float32))
    with pytest.raises(DataFileError, match=r'values expected 0..1'):
        load()


def test_check_array_message_lists_every_difference():
    with pytest.raises(DataFileError) as error:
        check_array(np.zeros((2, 3, 3), np.uint8), 'x.png', dtype=np.uint16,
                    channels=1, size=(2, 4), note='disparity x 256')
    assert str(error.value) == (
        "'x.png': dtype expected uint16 (disparity x 256), found uint8; "
        'channels expected 1, found 3; size (H, W) expected (2, 4) (its '
        "image's), found (2, 3)")
