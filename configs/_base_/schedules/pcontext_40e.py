# The CoV-Weighting paper's EncNet schedule on PASCAL Context (paper sec. 4.2,
# supplement sec. 1.2): SGD, learning rate 1e-4 with polynomial decay,
# batch 8 on one GPU, 40 epochs of the 4998 training images
# (625 iterations each at batch 8).
# The paper leaves open what EncNet's reference code (which it says it
# follows) fixes: momentum 0.9, weight decay 1e-4, decay power 0.9 down to 0,
# and 10x the learning rate for the two heads.
iters_per_epoch = 625
max_iters = 40 * iters_per_epoch
optimizer = dict(
    type='SGD', fused=True, lr=1e-4, momentum=0.9, weight_decay=1e-4)
optim_wrapper = dict(
    type='SyncFreeOptimWrapper',
    optimizer=optimizer,
    clip_grad=None,
    paramwise_cfg=dict(custom_keys={
        'decode_head': dict(lr_mult=10.0),
        'auxiliary_head': dict(lr_mult=10.0)
    }))
param_scheduler = [
    dict(type='PolyLR', eta_min=0.0, power=0.9, begin=0, end=max_iters,
         by_epoch=False)
]
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=max_iters,
    val_interval=4 * iters_per_epoch)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    runtime_info=dict(type='SyncFreeRuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False,
                    interval=4 * iters_per_epoch, max_keep_ckpts=2,
                    save_best='mIoU'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
