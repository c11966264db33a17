# LSB study setting: Taskonomy 4-task learning, PNASNet-5-Large, 256 x 256,
# 200 epochs; cross-stitch init 1/4 everywhere (supplement section 1). The
# supplement does not list the four tasks; this setting takes depth,
# normals, curvature and reshading (edit `_four`).
_base_ = [
    '../models/pixelwise_multitask_net.py', '../datasets/taskonomy.py',
    '../schedules/pixelwise_adamw.py', '../default_runtime.py'
]
_four = ['depth', 'normal', 'curvature', 'reshading']
model = dict(
    _base_.pnasnet,
    tasks={task: _base_.all_tasks[task] for task in _four},
    weighter=dict(groups={task: rf'^{task}\.' for task in _four}))
train_dataloader = dict(dataset=dict(tasks=_four))
val_dataloader = dict(dataset=dict(tasks=_four))
test_dataloader = val_dataloader
val_evaluator = dict(tasks=dict(
    _delete_=True, **{task: _base_.all_errors[task] for task in _four}))
test_evaluator = val_evaluator
train_cfg = dict(max_epochs=200, val_interval=20)
default_hooks = dict(checkpoint=dict(interval=20))
