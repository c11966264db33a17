"""MultiTaskVisualizer panels and MultiTaskVisualizationHook, in process."""
import types

import cv2
import numpy as np
import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mtlw.engine.hooks.multitask_visualization_hook import (
    MultiTaskVisualizationHook, input_image)
from mtlw.visualization import MultiTaskVisualizer
from mtlw.visualization.multitask_visualizer import MISSING, task_fields

H, W = 4, 6
PALETTE = [[10, 20, 30], [200, 100, 50]]


def sample(with_gt=True) -> SegDataSample:
    data = SegDataSample(metainfo=dict(img_path='a/b/frame_7.png'))
    labels = torch.zeros(1, H, W, dtype=torch.long)
    labels[0, :, 3:] = 1
    normals = torch.zeros(3, H, W)
    normals[2] = 1  # facing the camera
    depth = torch.linspace(1, 10, H * W).reshape(1, H, W)
    data.pred_sem_seg = PixelData(data=labels)
    data.pred_depth_map = PixelData(data=depth)
    data.pred_normal_map = PixelData(data=normals)
    if with_gt:
        gt_labels = labels.clone()
        gt_labels[0, 0, 0] = 255
        gt_depth = depth.clone()
        gt_depth[0, 0, 0] = 0
        data.gt_sem_seg = PixelData(data=gt_labels)
        data.gt_depth_map = PixelData(data=gt_depth)
        data.gt_normal_map = PixelData(data=torch.zeros(3, H, W))
    return data


@pytest.fixture
def visualizer():
    vis = MultiTaskVisualizer.get_instance('test_multitask_visualizer')
    vis.dataset_meta = dict(classes=('a', 'b'), palette=PALETTE)
    return vis


def test_fields_pair_predictions_with_ground_truth():
    assert task_fields(sample()) == [
        ('depth', 'pred_depth_map', 'gt_depth_map'),
        ('normal', 'pred_normal_map', 'gt_normal_map'),
        ('sem_seg', 'pred_sem_seg', 'gt_sem_seg')]


def test_one_row_of_image_prediction_and_truth_per_task(visualizer):
    image = np.full((2 * H, 2 * W, 3), 7, np.uint8)  # resized to the maps
    picture = visualizer.draw_panels(image, sample())
    assert picture.shape == (3 * H, 3 * W, 3) and picture.dtype == np.uint8
    depth, normal, seg = (picture[i * H:(i + 1) * H] for i in range(3))
    for row in (depth, normal, seg):
        assert (row[:, :W] == 7).all()
    pred, gt = seg[:, W:2 * W], seg[:, 2 * W:]
    assert (pred[:, :3] == PALETTE[0]).all()
    assert (pred[:, 3:] == PALETTE[1]).all()
    assert (gt[0, 0] == 0).all()  # ignored: black
    assert (normal[:, W:2 * W] == [127, 127, 255]).all()
    assert (normal[:, 2 * W:] == 0).all()  # zero normals: invalid
    pred, gt = depth[:, W:2 * W], depth[:, 2 * W:]
    assert (gt[0, 0] == 0).all() and (gt[0, 1] != 0).any()
    np.testing.assert_array_equal(pred[1:], gt[1:])  # one colour scale
    assert not np.array_equal(pred[0, 1], pred[-1, -1])  # near vs far


def test_missing_ground_truth_is_a_grey_panel(visualizer):
    picture = visualizer.draw_panels(np.zeros((H, W, 3), np.uint8),
                                     sample(with_gt=False))
    assert (picture[:, 2 * W:] == MISSING).all()


def test_no_prediction_is_refused(visualizer):
    with pytest.raises(ValueError, match='holds no prediction'):
        visualizer.draw_panels(np.zeros((H, W, 3), np.uint8),
                               SegDataSample())


class FakeRunner:
    """A runner whose training loop must not be built."""

    test_dataloader = types.SimpleNamespace(dataset=types.SimpleNamespace(
        metainfo=dict(classes=('a', 'b'), palette=PALETTE)))

    @property
    def iter(self):
        raise AssertionError('the hook touched the training loop')

    train_loop = iter
    train_dataloader = iter


def test_hook_writes_one_picture_per_sample(tmp_path):
    hook = MultiTaskVisualizationHook(out_dir=str(tmp_path / 'show'))
    runner = FakeRunner()
    hook.before_test_epoch(runner)
    inputs = torch.zeros(2, 3, H, W, dtype=torch.uint8)
    inputs[:, 0] = 255  # blue in BGR
    batch = dict(inputs=list(inputs), data_samples=[sample(), sample()])
    hook.after_test_iter(runner, 0, batch, [sample(), sample()])
    hook.after_test_iter(runner, 1, batch, [sample()])
    names = sorted(p.name for p in (tmp_path / 'show').iterdir())
    assert names == ['00000_frame_7.png', '00001_frame_7.png',
                     '00002_frame_7.png']
    picture = cv2.imread(str(tmp_path / 'show' / names[0]))
    assert picture.shape == (3 * H, 3 * W, 3)
    np.testing.assert_array_equal(picture[0, 0], [255, 0, 0])  # BGR again


def test_input_image_is_rgb_of_the_left_view():
    stereo = torch.zeros(6, H, W)
    stereo[2] = 200  # red of the left view (BGR)
    stereo[3:] = 50
    image = input_image(stereo)
    assert image.shape == (H, W, 3)
    np.testing.assert_array_equal(image[0, 0], [200, 0, 0])
