# The schedule of Argenziano and Pagani, "Multi-Task Learning for Semantics
# and Depth" (course report, 2022): Adam (betas 0.9, 0.999), lr 1e-4, batch
# size 4 (dataset bases), 16 epochs, constant rate.
optim_wrapper = dict(
    type='SyncFreeOptimWrapper',
    optimizer=dict(type='Adam', fused=True, lr=1e-4, betas=(0.9, 0.999)))
param_scheduler = []
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=16, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    runtime_info=dict(type='SyncFreeRuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook', by_epoch=True, interval=1, max_keep_ckpts=2,
        save_best='multitask_score', rule='greater'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
