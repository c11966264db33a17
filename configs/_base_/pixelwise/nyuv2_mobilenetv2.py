# LSB study setting: NYUv2 (MTAN layout), MobileNetV2, 1000 epochs;
# cross-stitch init 0.9 / 0.05 for the three tasks (supplement section 1).
_base_ = [
    '../models/pixelwise_multitask_net.py', '../datasets/nyuv2_mtan.py',
    '../schedules/pixelwise_adamw.py', '../default_runtime.py'
]
model = dict(
    tasks=_base_.tasks,
    neck=dict(diagonal=0.9, off_diagonal=0.05),
    weighter=dict(groups=_base_.task_groups))
train_cfg = dict(max_epochs=1000)
