# Cityscapes semantics (19 train IDs) + depth from the disparity maps.
# Training on random 512 x 1024 crops of images resized to half and full
# size (maps follow: nearest for labels and depth), evaluation at full
# resolution. Depth is log-normalised over 0 .. 300 m and evaluated up to
# 80 m.
dataset_type = 'CityscapesDepthSegDataset'
data_root = 'data/cityscapes'
depth_range = (1e-3, 300.0)
tasks = dict(
    seg=dict(channels=19, loss=dict(type='SoftmaxFocalLoss', gamma=0.0)),
    depth=dict(
        channels=1,
        loss=dict(type='DepthRegressionLoss', penalty='berhu'),
        value_range=depth_range))
depth_normalization = dict(
    type='DepthNormalization', method='log', min_depth=0.0, max_depth=300.0)
train_pipeline = [
    dict(type='RandomResize', scale=(2048, 1024), ratio_range=(0.5, 1.0),
         keep_ratio=True),
    dict(type='RandomCrop', crop_size=(512, 1024)),
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
    batch_size=1,
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
        depth=dict(type='PerImageDepthMetric', min_depth=1e-3, max_depth=80.0)))
test_evaluator = val_evaluator
