# SynthScenes stereo pairs rendered on the fly (no files), 64 x 128, KITTI
# camera ratios; depth evaluated against the rendered ground truth.
dataset_type = 'SynthScenesStereoDataset'
img_size = (64, 128)
train_pipeline = [
    dict(type='StereoColorJitter', prob=0.5),
    dict(type='StereoRandomFlip', prob=0.5),
    dict(type='PackMultiTaskInputs'),
]
test_pipeline = [dict(type='PackMultiTaskInputs')]
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type, split='train', num_samples=400,
        img_size=img_size, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type, split='val', num_samples=48,
        img_size=img_size, test_mode=True, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='PerImageDepthMetric', min_depth=1e-3, max_depth=80.0)
test_evaluator = val_evaluator
