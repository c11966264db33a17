# KITTI raw stereo, Eigen split, 256 x 512 inputs. Training reads
# monodepth's pair list (utils/filenames/eigen_train_files.txt, 22,600 pairs,
# put in data/kitti: too long to ship). Evaluation as in the CoV-Weighting
# paper and its authors' code: the 652 Eigen test frames with improved ground
# truth (a list shipped with mtlw), no crop, predictions clamped to
# 1e-3 .. 80 m, camera from each drive's calibration. Other protocols
# (docs/monodepth.md): the 697 frames with velodyne ground truth
# (ann_file='split:kitti/eigen_test_files.txt', gt_depth='velodyne') and the
# Garg or Eigen crop (crop='garg' / 'eigen').
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
        ann_file='split:kitti/eigen_benchmark_test_files.txt',
        gt_depth='png',
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(
    type='PerImageDepthMetric', min_depth=1e-3, max_depth=80.0, crop=None)
test_evaluator = val_evaluator
