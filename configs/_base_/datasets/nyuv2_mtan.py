# NYUv2 in the MTAN layout (288 x 384; 795 train / 654 val): depth, surface
# normals and 13-class semantics, with the Loss Scale Balancing losses. The
# paper's only augmentation is the horizontal flip (normals' x negated).
dataset_type = 'NYUv2MTANDataset'
data_root = 'data/nyuv2'
depth_range = (0.5, 10.0)  # metres: [d_min, d_max] of the depth loss
tasks = dict(
    depth=dict(
        channels=1,
        loss=dict(type='DepthLogL1Loss', depth_range=depth_range),
        value_range=depth_range),
    normal=dict(channels=3, loss=dict(type='NormalCosineLoss')),
    seg=dict(
        channels=13,
        loss=dict(type='SegRangeCELoss', f_max=10.0, ignore_index=255)))
# one weighter group per task: the task's loss and its regularisers
task_groups = {task: rf'^{task}\.' for task in tasks}
train_pipeline = [
    dict(type='RandomFlipWithNormals', prob=0.5),
    dict(type='PackMultiTaskInputs'),
]
test_pipeline = [dict(type='PackMultiTaskInputs')]
train_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type, data_root=data_root, split='train',
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type, data_root=data_root, split='val',
        pipeline=test_pipeline))
test_dataloader = val_dataloader
# Table S-3's metrics: depth delta1 / RMSE, normal % < 30 deg / mean angle,
# mIoU / pixel accuracy (and the rest of each metric's output).
val_evaluator = dict(
    type='MultiTaskMetric',
    tasks=dict(
        depth=dict(type='PerImageDepthMetric', min_depth=1e-3, max_depth=10.0),
        normal=dict(type='NormalMetric'),
        seg=dict(type='IoUMetric', iou_metrics=['mIoU'])))
test_evaluator = val_evaluator
