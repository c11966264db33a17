# LSB study setting: NYUv2 (MTAN layout), PNASNet-5-Large, 50 epochs;
# cross-stitch init 0.9 / 0.05 for the three tasks (supplement section 1).
_base_ = [
    '../models/pixelwise_multitask_net.py', '../datasets/nyuv2_mtan.py',
    '../schedules/pixelwise_adamw.py', '../default_runtime.py'
]
model = dict(
    _base_.pnasnet,
    tasks=_base_.tasks,
    neck=dict(diagonal=0.9, off_diagonal=0.05),
    weighter=dict(groups=_base_.task_groups))
train_cfg = dict(max_epochs=50, val_interval=5)
default_hooks = dict(checkpoint=dict(interval=5))
