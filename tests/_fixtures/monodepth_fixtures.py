"""Writers of tiny KITTI raw and Cityscapes stereo data in their real
layouts, for the monodepth dataset and config tests."""
import os
import os.path as osp

import cv2
import numpy as np

DRIVE = '2011_09_26/2011_09_26_drive_0002_sync'
KITTI_SIZE = (6, 1242)  # a real KITTI width: the focal comes from it
FOCAL, CX, CY = 100.0, 600.0, 3.0
BASELINE = 0.5327  # metres, from P_rect_03's x translation -FOCAL * b
# velodyne (x forward, y left, z up) to camera (x right, y down, z forward)
VELO_R = [0, -1, 0, 0, 0, -1, 1, 0, 0]
POINTS = np.array([
    [10.0, 0.0, 0.0, 0.5],  # -> pixel (col 599, row 2), depth 10
    [20.0, 0.0, 0.0, 0.5],  # same pixel, farther: dropped
    [5.0, -0.5, 0.1, 0.5],  # -> u = 610, v = 1: (col 609, row 0), depth 5
    [-5.0, 0.0, 0.0, 0.5],  # behind the scanner
    [10.0, -100.0, 0.0, 0.5],  # u = 1600: outside the image
], dtype=np.float32)


def write_kitti(root, frames=('0000000069', '0000000070')):
    """A KITTI raw fixture: images, calibration, scans, improved depth."""
    date_dir = osp.join(root, '2011_09_26')
    os.makedirs(date_dir, exist_ok=True)
    projection = [FOCAL, 0, CX, 0, 0, FOCAL, CY, 0, 0, 0, 1, 0]
    right = [FOCAL, 0, CX, -FOCAL * BASELINE, 0, FOCAL, CY, 0, 0, 0, 1, 0]
    with open(osp.join(date_dir, 'calib_cam_to_cam.txt'), 'w') as file:
        file.write('calib_time: 09-Jan-2012 13:57:47\n'
                   f'S_rect_02: {KITTI_SIZE[1]:e} {KITTI_SIZE[0]:e}\n'
                   f'R_rect_00: {" ".join(map(str, np.eye(3).ravel()))}\n'
                   f'P_rect_02: {" ".join(map(str, projection))}\n'
                   f'P_rect_03: {" ".join(map(str, right))}\n')
    with open(osp.join(date_dir, 'calib_velo_to_cam.txt'), 'w') as file:
        file.write(f'R: {" ".join(map(str, VELO_R))}\nT: 0 0 0\n')
    lines = []
    rng = np.random.default_rng(0)
    for frame in frames:
        paths = [f'{DRIVE}/image_0{cam}/data/{frame}.png' for cam in (2, 3)]
        for path in paths:
            os.makedirs(osp.dirname(osp.join(root, path)), exist_ok=True)
            cv2.imwrite(osp.join(root, path),
                        rng.integers(0, 256, KITTI_SIZE + (3, ), np.uint8))
        velo = osp.join(root, DRIVE, 'velodyne_points', 'data')
        os.makedirs(velo, exist_ok=True)
        POINTS.tofile(osp.join(velo, f'{frame}.bin'))
        improved = osp.join(root, DRIVE, 'proj_depth', 'groundtruth',
                            'image_02')
        os.makedirs(improved, exist_ok=True)
        depth = np.zeros(KITTI_SIZE, np.uint16)
        depth[1, 2] = 2560  # 10 m
        cv2.imwrite(osp.join(improved, f'{frame}.png'), depth)
        lines.append(' '.join(paths))
    with open(osp.join(root, 'eigen_test_files.txt'), 'w') as file:
        file.write('\n'.join(lines) + '\n')
    return root


CITYSCAPES_SIZE = (10, 16)
CITYSCAPES_STEMS = ('aachen_000000_000019', 'bochum_000000_000313')


def write_cityscapes(root, split='train'):
    """Left/right 8-bit views and disparity PNGs in the Cityscapes layout."""
    rng = np.random.default_rng(0)
    for stem in CITYSCAPES_STEMS:
        city = stem.split('_')[0]
        for kind in ('leftImg8bit', 'rightImg8bit'):
            folder = osp.join(root, kind, split, city)
            os.makedirs(folder, exist_ok=True)
            cv2.imwrite(osp.join(folder, f'{stem}_{kind}.png'),
                        rng.integers(0, 256, CITYSCAPES_SIZE + (3, ),
                                     np.uint8))
        folder = osp.join(root, 'disparity', split, city)
        os.makedirs(folder, exist_ok=True)
        disparity = np.zeros(CITYSCAPES_SIZE, np.uint16)
        disparity[0, 0] = 1  # d = 0: invalid
        disparity[0, 1] = 257  # d = 1 px
        disparity[9, 3] = 513  # d = 2 px, in the cropped bottom fifth
        cv2.imwrite(osp.join(folder, f'{stem}_disparity.png'), disparity)
    return root
