# SynthScenes semantics (6 classes) + depth at 64 x 128: the CPU twin of
# Miniscapes / Cityscapes for the DeepLabV3+ family. Losses as in Argenziano
# and Pagani, "Multi-Task Learning for Semantics and Depth" (course report,
# 2022): cross-entropy and berHu on standardised depth. The depth mean and
# standard deviation are those of the 64 training scenes' valid pixels
# (python tools/analysis/depth_statistics.py
#  configs/deeplab/synthscenes_branched_equal.py --num-samples 64).
dataset_type = 'SynthScenesMultiTaskDataset'
img_size = (64, 128)
depth_range = (1e-3, 80.0)  # metres; SynthScenes drops surfaces beyond 80 m
tasks = dict(
    seg=dict(channels=6, loss=dict(type='SoftmaxFocalLoss', gamma=0.0)),
    depth=dict(
        channels=1,
        loss=dict(type='DepthRegressionLoss', penalty='berhu'),
        value_range=depth_range))
depth_normalization = dict(
    type='DepthNormalization', method='standard', mean=8.30, std=7.18)
train_pipeline = [
    dict(type='RandomFlipWithNormals', prob=0.5),
    dict(type='PackMultiTaskInputs'),
]
test_pipeline = [dict(type='PackMultiTaskInputs')]
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type, split='train', num_samples=64,
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
    type='MultiTaskScoreMetric',
    tasks=dict(
        seg=dict(type='IoUMetric', iou_metrics=['mIoU']),
        depth=dict(type='PerImageDepthMetric', min_depth=1e-3, max_depth=80.0)))
test_evaluator = val_evaluator
