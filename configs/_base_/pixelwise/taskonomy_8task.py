# LSB study setting: Taskonomy 8-task learning, PNASNet-5-Large, 256 x 256,
# 200 epochs; cross-stitch init 1/8 everywhere (supplement section 1).
_base_ = [
    '../models/pixelwise_multitask_net.py', '../datasets/taskonomy.py',
    '../schedules/pixelwise_adamw.py', '../default_runtime.py'
]
model = dict(
    _base_.pnasnet,
    tasks=_base_.tasks,
    weighter=dict(groups=_base_.task_groups))
train_cfg = dict(max_epochs=200, val_interval=20)
default_hooks = dict(checkpoint=dict(interval=20))
