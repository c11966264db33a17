# KITTI raw stereo, Eigen split (monodepth file lists), 256 x 512 inputs.
# Evaluation on the Eigen test split with velodyne ground truth, Garg crop,
# 80 m cap; for the improved ground truth set gt_depth='png' and a list of
# the 652 frames that have it (docs/monodepth.md).
dataset_type = 'KittiStereoDataset'
data_root = 'data/kitti'
img_scale = (256, 512)
train_pipeline = [
    dict(type='StereoResize', scale=img_scale),
    dict(type='StereoColorJitter', prob=0.5),
    dict(type='StereoRandomFlip', prob=0.5),
    dict(type='PackMultiTaskInputs'),
]
test_pipeline = [
    dict(type='StereoResize', scale=img_scale),
    dict(type='PackMultiTaskInputs'),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='eigen_train_files.txt',
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='eigen_test_files.txt',
        gt_depth='velodyne',
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(
    type='PerImageDepthMetric', min_depth=1e-3, max_depth=80.0, crop='garg')
test_evaluator = val_evaluator
