# Monodepth on KITTI as in the CoV-Weighting paper: Adam, constant learning
# rate 1e-4, batch 8 (the dataset config), 30 epochs.
optim_wrapper = dict(
    type='SyncFreeOptimWrapper',
    optimizer=dict(type='Adam', fused=True, lr=1e-4))
param_scheduler = []
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=30, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    runtime_info=dict(type='SyncFreeRuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=True, interval=5),
    sampler_seed=dict(type='DistSamplerSeedHook'))
