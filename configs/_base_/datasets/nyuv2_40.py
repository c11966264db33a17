# NYUv2 with 40-class semantics (Gupta et al.) and depth: the data of the
# synergy network (Jiao et al., "Look Deeper into Depth", ECCV 2018). 795 /
# 654 images of 480 x 640; flips only. Depth is evaluated on the whole range
# and within 4, 6 and 8 m (their supplementary Tables 4-6). `num_classes` and
# `depth_range` feed the synergy setting.
dataset_type = 'NYUv2Depth40Dataset'
data_root = 'data/nyuv2_40'
num_classes = 40
depth_range = (1e-3, 10.0)
train_pipeline = [
    dict(type='RandomFlip', prob=0.5),
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
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type, data_root=data_root, split='test',
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(
    type='MultiTaskMetric',
    tasks=dict(
        seg=dict(type='IoUMetric', iou_metrics=['mIoU']),
        depth=[
            dict(type='PerImageDepthMetric', min_depth=1e-3, max_depth=10.0),
            dict(type='RangeDepthMetric', max_eval_depth=4.0,
                 max_depth=10.0, prefix='depth_4m'),
            dict(type='RangeDepthMetric', max_eval_depth=6.0,
                 max_depth=10.0, prefix='depth_6m'),
            dict(type='RangeDepthMetric', max_eval_depth=8.0,
                 max_depth=10.0, prefix='depth_8m'),
        ]))
test_evaluator = val_evaluator
