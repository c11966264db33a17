# SynthScenes depth + normals + 6-class semantics, rendered on the fly: the
# CPU twin of NYUv2 for the Loss Scale Balancing networks (64 x 128).
dataset_type = 'SynthScenesMultiTaskDataset'
img_size = (64, 128)
depth_range = (1.0, 80.0)  # metres; SynthScenes drops surfaces beyond 80 m
tasks = dict(
    depth=dict(
        channels=1,
        loss=dict(type='DepthLogL1Loss', depth_range=depth_range),
        value_range=depth_range),
    normal=dict(channels=3, loss=dict(type='NormalCosineLoss')),
    seg=dict(
        channels=6,
        loss=dict(type='SegRangeCELoss', f_max=10.0, ignore_index=255)))
task_groups = {task: rf'^{task}\.' for task in tasks}
train_pipeline = [
    dict(type='RandomFlipWithNormals', prob=0.5),
    dict(type='PackMultiTaskInputs'),
]
test_pipeline = [dict(type='PackMultiTaskInputs')]
# 40 samples in batches of 4: one epoch (the LSB / DWA period) is 10 steps
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type, split='train', num_samples=40,
        img_size=img_size, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type, split='val', num_samples=32, img_size=img_size,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(
    type='MultiTaskMetric',
    tasks=dict(
        depth=dict(type='PerImageDepthMetric', min_depth=1e-3, max_depth=80.0),
        normal=dict(type='NormalMetric'),
        seg=dict(type='IoUMetric', iou_metrics=['mIoU'])))
test_evaluator = val_evaluator
