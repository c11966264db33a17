"""KittiStereoDataset on a tiny fixture in the KITTI raw layout."""
import os
import os.path as osp

import cv2
import numpy as np
import pytest

from mtlw.datasets.kitti_stereo import (kitti_focal, kitti_stereo_camera,
                                        read_calib_file, read_kitti_list,
                                        velodyne_depth_map)
from mtlw.registry import DATASETS
from tests._fixtures.monodepth_fixtures import (BASELINE, DRIVE, FOCAL,
                                                KITTI_SIZE, POINTS,
                                                write_kitti)

# the rectified projections of KITTI raw 2011_09_26 (calib_cam_to_cam.txt)
CALIB_2011_09_26 = """\
calib_time: 09-Jan-2012 13:57:47
S_rect_02: 1.242000e+03 3.750000e+02
P_rect_02: 7.215377e+02 0.000000e+00 6.095593e+02 4.485728e+01 \
0.000000e+00 7.215377e+02 1.728540e+02 2.163791e-01 0.000000e+00 \
0.000000e+00 1.000000e+00 2.745884e-03
S_rect_03: 1.242000e+03 3.750000e+02
P_rect_03: 7.215377e+02 0.000000e+00 6.095593e+02 -3.395242e+02 \
0.000000e+00 7.215377e+02 1.728540e+02 2.199936e+00 0.000000e+00 \
0.000000e+00 1.000000e+00 2.729905e-03
"""

HEIGHT, WIDTH = KITTI_SIZE
pytestmark = pytest.mark.usefixtures('mmseg_scope')


def build(root, **kwargs):
    return DATASETS.build(dict(type='KittiStereoDataset', data_root=root,
                               ann_file='eigen_test_files.txt', **kwargs))


def test_velodyne_projection_keeps_the_nearest_point(tmp_path):
    root = write_kitti(str(tmp_path))
    cam = read_calib_file(osp.join(root, '2011_09_26', 'calib_cam_to_cam.txt'))
    velo = read_calib_file(osp.join(root, '2011_09_26',
                                    'calib_velo_to_cam.txt'))
    assert 'calib_time' not in cam
    depth = velodyne_depth_map(POINTS, cam, velo)
    assert depth.shape == (HEIGHT, WIDTH) and depth.dtype == np.float32
    assert depth[2, 599] == 10.0
    assert depth[0, 609] == 5.0
    assert np.count_nonzero(depth) == 2


def test_calibrated_focal_and_baseline(tmp_path):
    path = tmp_path / 'calib_cam_to_cam.txt'
    path.write_text(CALIB_2011_09_26)
    focal, baseline, width = kitti_stereo_camera(read_calib_file(str(path)))
    # camera 2 sits at -44.85728 / 721.5377 = -0.0621690 m, camera 3 at
    # 339.5242 / 721.5377 = 0.4705564 m: 0.5327254 m apart, so the rounded
    # 0.54 m makes every depth 1.37 % too far
    assert focal == 721.5377 and width == 1242
    assert baseline == pytest.approx(0.5327254, abs=1e-7)
    assert 0.54 / baseline == pytest.approx(1.0137, abs=1e-4)
    swapped = read_calib_file(str(path))
    swapped['P_rect_02'], swapped['P_rect_03'] = swapped['P_rect_03'], \
        swapped['P_rect_02']
    with pytest.raises(ValueError, match='baseline of -0.53'):
        kitti_stereo_camera(swapped)


def test_kitti_lists_in_both_formats(tmp_path):
    path = tmp_path / 'list.txt'
    path.write_text('# source: somewhere\n'
                    '2011_09_26/2011_09_26_drive_0002_sync 0000000069 l\n'
                    '2011_09_26/2011_09_26_drive_0002_sync 70\n\n'
                    'a/b/image_02/data/1.png a/b/image_03/data/1.png\n')
    drive = '2011_09_26/2011_09_26_drive_0002_sync'
    assert read_kitti_list(str(path), '.png') == [
        (f'{drive}/image_02/data/0000000069.png',
         f'{drive}/image_03/data/0000000069.png'),
        (f'{drive}/image_02/data/0000000070.png',
         f'{drive}/image_03/data/0000000070.png'),
        ('a/b/image_02/data/1.png', 'a/b/image_03/data/1.png')]
    path.write_text(f'{drive} 0000000069 r\n')
    with pytest.raises(ValueError, match=r"(?s)list.txt:1: expected one of"
                                         r".*got '.* 0000000069 r'"):
        read_kitti_list(str(path))


@pytest.mark.parametrize('source', ['velodyne', 'png'])
def test_kitti_dataset_reads_pairs_depth_and_camera(tmp_path, source):
    root = write_kitti(str(tmp_path))
    dataset = build(root, gt_depth=source, test_mode=True, pipeline=[
        dict(type='StereoResize', scale=(4, 64)),
        dict(type='PackMultiTaskInputs')])
    assert len(dataset) == 2
    info = dataset.get_data_info(0)
    left = cv2.imread(osp.join(root, DRIVE, 'image_02/data/0000000069.png'))
    assert np.array_equal(info['img'], left)
    assert info['img_right'].shape == (HEIGHT, WIDTH, 3)
    assert info['focal'] == FOCAL  # the images have the calibrated width
    assert info['baseline'] == pytest.approx(BASELINE)
    # stored at half the calibrated width: the focal length halves
    assert dataset.camera(info, WIDTH // 2) == pytest.approx(
        (FOCAL / 2, BASELINE))
    assert info['ori_shape'] == (HEIGHT, WIDTH)
    assert set(info['seg_fields']) == {'img_right', 'gt_depth_map'}
    packed = dataset[0]
    sample = packed['data_samples']
    assert packed['inputs'].shape == (3, 4, 64)
    assert sample.img_right.data.shape == (3, 4, 64)
    depth = sample.gt_depth_map.data[0]
    assert depth.shape == (HEIGHT, WIDTH)  # evaluated at the original size
    if source == 'velodyne':
        assert depth[2, 599] == 10 and depth[0, 609] == 5
    else:
        assert depth[1, 2] == 10 and np.count_nonzero(depth.numpy()) == 1


def test_kitti_training_samples_flip_as_stereo_pairs(tmp_path):
    root = write_kitti(str(tmp_path), frames=('0000000001', ))
    dataset = build(root, pipeline=[
        dict(type='StereoRandomFlip', prob=1.0),
        dict(type='PackMultiTaskInputs')])
    info = dataset.get_data_info(0)
    assert 'gt_depth_map' not in info and 'focal' in info
    sample = dataset[0]
    # new left = mirrored right view (BGR HWC -> CHW)
    assert np.array_equal(sample['inputs'].numpy(),
                          info['img_right'][:, ::-1].transpose(2, 0, 1))
    assert np.array_equal(
        sample['data_samples'].img_right.data.numpy(),
        info['img'][:, ::-1].transpose(2, 0, 1).astype(np.float32))


def test_kitti_errors(tmp_path):
    with pytest.raises(FileNotFoundError,
                       match=r"(?s)Data root .*nowhere.* does not exist"
                             r".*image_02"):
        build(str(tmp_path / 'nowhere'))
    root = str(tmp_path)
    with pytest.raises(FileNotFoundError, match='KITTI pair list .*'
                                                'eigen_test_files.txt'):
        build(root)
    write_kitti(root)
    with pytest.raises(ValueError, match="gt_depth must be one of"):
        build(root, gt_depth='lidar')
    with open(osp.join(root, 'bad.txt'), 'w') as file:
        file.write('only_one_path.png\n')
    with pytest.raises(ValueError, match=r'bad.txt:1: expected one of'):
        DATASETS.build(dict(type='KittiStereoDataset', data_root=root,
                            ann_file='bad.txt'))
    os.remove(osp.join(root, DRIVE, 'velodyne_points/data/0000000069.bin'))
    dataset = build(root, gt_depth='velodyne')
    with pytest.raises(FileNotFoundError, match='velodyne scan not found: '
                                                '.*0000000069.bin'):
        dataset.get_data_info(0)
    os.remove(osp.join(root, '2011_09_26', 'calib_cam_to_cam.txt'))
    with pytest.raises(FileNotFoundError, match='KITTI calibration file not '
                                                'found: .*calib_cam_to_cam'):
        build(root).get_data_info(0)
    write_kitti(root)
    os.remove(osp.join(root, DRIVE, 'image_03/data/0000000070.png'))
    with pytest.raises(FileNotFoundError,
                       match='image_03/data/0000000070.png'):
        build(root).get_data_info(1)
    with pytest.raises(ValueError, match='no KITTI focal length for image '
                                         'width 640'):
        kitti_focal(640)
