"""The SynthScenes datasets: fields, arguments and mmseg pipelines."""
import numpy as np
import pytest
import torch
from mmengine.dataset import Compose

from mtlw.datasets import SynthScenesSegDataset, SynthScenesStereoDataset
from mtlw.datasets.synthscenes import CLASSES
from mtlw.registry import DATASETS, METRICS

SIZE = (48, 96)


def test_seg_sample_fields():
    dataset = SynthScenesSegDataset(num_samples=3, img_size=SIZE, seed=1)
    assert len(dataset) == 3
    assert dataset.metainfo['classes'] == CLASSES
    assert len(dataset.metainfo['palette']) == len(CLASSES)
    sample = dataset.get_data_info(2)
    assert sample['img'].shape == (48, 96, 3)
    assert sample['img'].dtype == np.uint8
    assert sample['gt_seg_map'].shape == (48, 96)
    assert sample['gt_seg_map'].dtype == np.uint8
    assert sample['seg_fields'] == ['gt_seg_map']
    assert sample['img_path'] == 'synthscenes://train/000002'
    assert sample['img_shape'] == sample['ori_shape'] == (48, 96)
    assert sample['reduce_zero_label'] is False
    assert sample['focal'] == pytest.approx(0.58 * 96)
    assert sample['baseline'] == 0.54


def test_the_three_datasets_render_the_same_scene(stereo_samples,
                                                  multitask_samples):
    seg = SynthScenesSegDataset(num_samples=2, img_size=SIZE).get_data_info(1)
    multitask, stereo = multitask_samples[1], stereo_samples[1]
    np.testing.assert_array_equal(seg['img'], multitask['img'])
    np.testing.assert_array_equal(seg['img'], stereo['img'])
    np.testing.assert_array_equal(seg['gt_seg_map'], multitask['gt_seg_map'])
    np.testing.assert_array_equal(multitask['gt_depth_map'],
                                  stereo['gt_depth_map'])


def test_multitask_and_stereo_fields(stereo_samples, multitask_samples):
    multitask = multitask_samples[0]
    assert multitask['gt_depth_map'].dtype == np.float32
    assert multitask['gt_normal_map'].shape == (48, 96, 3)
    assert set(multitask['seg_fields']) == {
        'gt_seg_map', 'gt_depth_map', 'gt_normal_map'}
    stereo = stereo_samples[0]
    for suffix in ('', '_right'):
        assert stereo['img' + suffix].shape == (48, 96, 3)
        for key in ('gt_disp_map', 'gt_depth_map', 'gt_visible_mask'):
            assert stereo[key + suffix].shape == (48, 96)
    assert stereo['gt_visible_mask'].dtype == np.uint8
    assert 'img' not in stereo['seg_fields']
    assert 'img_right' in stereo['seg_fields']


def test_splits_and_seeds_give_different_scenes():
    def image(**kwargs):
        dataset = SynthScenesSegDataset(num_samples=1, img_size=SIZE,
                                        **kwargs)
        return dataset.get_data_info(0)['img']

    train = image(split='train')
    np.testing.assert_array_equal(train, image(split='train'))
    assert not np.array_equal(train, image(split='val'))
    assert not np.array_equal(train, image(seed=1))


def test_indices_keep_the_scene_of_each_sample():
    full = SynthScenesSegDataset(num_samples=4, img_size=SIZE)
    subset = SynthScenesSegDataset(num_samples=4, img_size=SIZE,
                                   indices=[3])
    assert len(subset) == 1
    np.testing.assert_array_equal(subset.get_data_info(0)['img'],
                                  full.get_data_info(3)['img'])


@pytest.mark.parametrize('kwargs, message', [
    (dict(num_samples=0), 'num_samples must be an integer >= 1, got 0'),
    (dict(num_samples=2.5), 'num_samples'),
    (dict(img_size=(48, )), 'img_size must be (height, width)'),
    (dict(img_size=(48, 0)), 'got (48, 0)'),
    (dict(img_size='48x96'), 'img_size'),
    (dict(split='training'), "split must be one of ('train', 'val', 'test')"),
    (dict(seed=-1), 'seed must be an integer >= 0'),
    (dict(baseline=0.0), 'baseline must be a positive number'),
    (dict(focal_ratio=float('nan')), 'focal_ratio'),
    (dict(max_depth=-1), 'max_depth'),
])
def test_bad_arguments_are_named(kwargs, message):
    arguments = dict(num_samples=2, img_size=SIZE)
    arguments.update(kwargs)
    with pytest.raises(ValueError, match='SynthScenesStereoDataset') as error:
        SynthScenesStereoDataset(**arguments)
    assert message in str(error.value)


def test_seg_dataset_through_stock_mmseg_pipeline(mmseg_scope):
    dataset = DATASETS.build(
        dict(type='SynthScenesSegDataset', num_samples=2, img_size=SIZE,
             pipeline=[
                 dict(type='RandomFlip', prob=1.0),
                 dict(type='PhotoMetricDistortion'),
                 dict(type='PackSegInputs')
             ]))
    raw = dataset.get_data_info(1)
    packed = dataset[1]
    assert packed['inputs'].shape == (3, 48, 96)
    assert packed['inputs'].dtype == torch.uint8
    seg = packed['data_samples'].gt_sem_seg.data
    assert seg.shape == (1, 48, 96) and seg.dtype == torch.int64
    np.testing.assert_array_equal(seg[0].numpy(), raw['gt_seg_map'][:, ::-1])
    assert packed['data_samples'].flip is True


def test_iou_metric_reads_the_samples(mmseg_scope):
    """mmseg's IoUMetric scores ground truth as prediction at 100 mIoU."""
    dataset = SynthScenesSegDataset(num_samples=2, img_size=SIZE)
    pipeline = Compose([dict(type='PackSegInputs')])
    metric = METRICS.build(dict(type='IoUMetric'))
    metric.dataset_meta = dataset.metainfo
    for index in range(2):
        sample = pipeline(dataset.get_data_info(index))['data_samples']
        sample = sample.to_dict()
        sample['pred_sem_seg'] = dict(data=sample['gt_sem_seg']['data'])
        metric.process({}, [sample])
    assert metric.compute_metrics(metric.results)['mIoU'] == 100.0


def test_multitask_dataset_packs_model_fields(mmseg_scope):
    dataset = DATASETS.build(
        dict(type='SynthScenesMultiTaskDataset', num_samples=1,
             img_size=SIZE, pipeline=[
                 dict(type='RandomFlipWithNormals', prob=1.0),
                 dict(type='PackMultiTaskInputs')
             ]))
    raw = dataset.get_data_info(0)
    sample = dataset[0]['data_samples']
    assert sample.gt_sem_seg.data.shape == (1, 48, 96)
    depth = sample.gt_depth_map.data
    normal = sample.gt_normal_map.data
    assert depth.shape == (1, 48, 96) and depth.dtype == torch.float32
    assert normal.shape == (3, 48, 96) and normal.dtype == torch.float32
    np.testing.assert_array_equal(depth[0].numpy(),
                                  raw['gt_depth_map'][:, ::-1])
    np.testing.assert_array_equal(normal[0].numpy(),
                                  -raw['gt_normal_map'][:, ::-1, 0])
    np.testing.assert_array_equal(normal[2].numpy(),
                                  raw['gt_normal_map'][:, ::-1, 2])
    assert sample.focal == raw['focal'] and sample.baseline == 0.54


def test_stereo_dataset_packs_model_fields(mmseg_scope):
    dataset = DATASETS.build(
        dict(type='SynthScenesStereoDataset', num_samples=1, img_size=SIZE,
             pipeline=[dict(type='PackMultiTaskInputs')]))
    raw = dataset.get_data_info(0)
    packed = dataset[0]
    sample = packed['data_samples']
    right = sample.img_right.data
    assert right.shape == (3, 48, 96) and right.dtype == torch.float32
    np.testing.assert_array_equal(right.numpy(),
                                  raw['img_right'].transpose(2, 0, 1))
    np.testing.assert_array_equal(packed['inputs'].numpy(),
                                  raw['img'].transpose(2, 0, 1))
    for key in ('gt_disp_map', 'gt_disp_map_right', 'gt_depth_map',
                'gt_depth_map_right'):
        np.testing.assert_array_equal(sample.get(key).data[0].numpy(),
                                      raw[key])
    mask = sample.gt_visible_mask.data
    assert mask.dtype == torch.bool and mask.shape == (1, 48, 96)
    assert sample.focal == pytest.approx(0.58 * 96)
