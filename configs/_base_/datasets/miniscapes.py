# Miniscapes (Argenziano and Pagani, "Multi-Task Learning for Semantics and
# Depth", course report, 2022): street scenes with 19-class semantics and
# depth (uint8 inverse depth, 4 .. 300 m). Losses as in the report:
# cross-entropy and berHu; depth trained log-normalised over its known range
# (the report's best was standardisation with the training set's mean and
# standard deviation: python tools/analysis/depth_statistics.py CONFIG gives
# them, then set method='standard', mean=..., std=...). Batch size 4 (report).
dataset_type = 'MiniscapesDataset'
data_root = 'data/miniscapes'
depth_range = (4.0, 300.0)
tasks = dict(
    seg=dict(channels=19, loss=dict(type='SoftmaxFocalLoss', gamma=0.0)),
    depth=dict(
        channels=1,
        loss=dict(type='DepthRegressionLoss', penalty='berhu'),
        value_range=depth_range))
depth_normalization = dict(
    type='DepthNormalization', method='log', min_depth=4.0, max_depth=300.0)
train_pipeline = [
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackMultiTaskInputs'),
]
test_pipeline = [dict(type='PackMultiTaskInputs')]
train_dataloader = dict(
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type, data_root=data_root, split='train',
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type, data_root=data_root, split='val',
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(
    type='MultiTaskScoreMetric',
    tasks=dict(
        seg=dict(type='IoUMetric', iou_metrics=['mIoU']),
        depth=dict(type='PerImageDepthMetric', min_depth=4.0, max_depth=300.0)))
test_evaluator = val_evaluator
