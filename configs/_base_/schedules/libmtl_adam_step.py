# LibMTL's training on NYUv2 and Cityscapes (LibMTL/config.py defaults with
# `--scheduler step`, examples/nyu and examples/cityscapes main.py): Adam,
# lr 1e-4, weight decay 1e-5 (Adam's L2 term), StepLR halving the rate every
# 100 epochs, 200 epochs; evaluation after every epoch there, every 10 here.
optim_wrapper = dict(
    type='SyncFreeOptimWrapper',
    optimizer=dict(type='Adam', lr=1e-4, weight_decay=1e-5),
    paramwise_cfg=dict(custom_keys={'weighter': dict(decay_mult=0.0)}))
param_scheduler = [
    dict(type='StepLR', step_size=100, gamma=0.5, by_epoch=True)
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=200, val_interval=10)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    runtime_info=dict(type='SyncFreeRuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook', by_epoch=True, interval=10, max_keep_ckpts=2),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
