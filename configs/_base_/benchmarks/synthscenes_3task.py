# The CPU twin of the multi-task architecture benchmarks (NYUv2 3 tasks):
# SynthScenes depth + normals + 6-class semantics at 64 x 128, AdamW at
# lr 1e-3 for 120 steps (a minute or two per run on 2 cores). Defines the
# data, `tasks`, evaluation and schedule, not the model: each leaf adds an
# architecture base (`_base_/models/<architecture>.py`) and sets
# `model.tasks=_base_.tasks`.
_base_ = [
    '../datasets/synthscenes_multitask.py', '../schedules/pixelwise_adamw.py',
    '../default_runtime.py'
]
optim_wrapper = dict(optimizer=dict(lr=1e-3))
train_cfg = dict(
    _delete_=True, type='IterBasedTrainLoop', max_iters=120,
    val_interval=120)
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(by_epoch=False, interval=120, max_keep_ckpts=1))
