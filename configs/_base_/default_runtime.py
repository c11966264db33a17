# Runtime shared by every mtlw config.
default_scope = 'mmseg'
custom_imports = dict(imports=['mtlw'], allow_failed_imports=False)
env_cfg = dict(
    cudnn_benchmark=True,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),  # tools/ switch to gloo without GPUs
)
vis_backends = [
    dict(type='LocalVisBackend'),
    dict(type='TensorboardVisBackend'),
]
visualizer = dict(
    type='SegLocalVisualizer', vis_backends=vis_backends, name='visualizer')
# Loss weights are logged as they are (`weight/<loss key>`), not smoothed.
# The training values stay on the device between the logger's iterations
# and are read there in one transfer (SyncFreeLogProcessor with the
# schedules' SyncFreeRuntimeInfoHook); the numbers logged are MMEngine's.
log_processor = dict(
    type='SyncFreeLogProcessor',
    by_epoch=False,
    mean_pattern=r'^(?!weight/).*(loss|time|data_time|grad_norm).*')
custom_hooks = [
    dict(type='WeighterRuntimeHook'),
    dict(type='WeightLoggerHook'),
    dict(type='WeighterCheckpointHook'),
    dict(type='RNGStateHook'),
]
log_level = 'INFO'
load_from = None
resume = False
# load_from starts the weighter fresh; True loads its saved state too.
load_weighter_state = False
