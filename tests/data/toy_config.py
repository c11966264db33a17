# The toy two-loss model for launcher tests (the repository root must be on
# PYTHONPATH).
custom_imports = dict(imports=['mtlw', 'tests._fixtures.toy'],
                      allow_failed_imports=False)
default_scope = 'mmseg'
model = dict(type='ToyTwoLossModel', weighter=dict(type='CoVWeighting'))
train_dataloader = dict(
    dataset=dict(type='ToyRegressionDataset'),
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    batch_size=4,
    num_workers=0)
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9))
train_cfg = dict(by_epoch=False, max_iters=6)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=2),
    checkpoint=dict(type='CheckpointHook', interval=6, by_epoch=False))
custom_hooks = [
    dict(type='WeighterRuntimeHook'),
    dict(type='WeightLoggerHook'),
    dict(type='DumpWeighterStateHook'),
]
randomness = dict(seed=0)
