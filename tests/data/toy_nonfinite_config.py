# The toy model with a NaN loss at iteration 3 on rank 1 only
# (the repository root must be on PYTHONPATH).
_base_ = ['toy_config.py']
custom_imports = dict(imports=['mtlw', 'tests._fixtures.toy',
                               'tests._fixtures.nonfinite_hooks'],
                      allow_failed_imports=False)
model = dict(weighter=dict(nonfinite='skip'))
optim_wrapper = dict(optimizer=dict(type='Adam', lr=0.01), _delete_=True)
custom_hooks = [
    dict(type='WeighterRuntimeHook'),
    dict(type='WeightLoggerHook'),
    dict(type='DumpWeighterStateHook'),
    dict(type='PoisonBatchHook', iters=[3], rank=1),
    dict(type='RecordParametersHook'),
]
