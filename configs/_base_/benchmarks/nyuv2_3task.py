# NYUv2, 3 tasks, in the MTAN / LibMTL protocol (Liu, Johns, Davison, CVPR
# 2019; LibMTL examples/nyu): 795 train / 654 test images at 288 x 384,
# 13-class semantics, depth, surface normals; LibMTL's losses (CE, L1 on
# the valid depth, 1 - cos of the unit normal) and metrics (mIoU and pixel
# accuracy over one dataset confusion matrix; depth abs / rel error over
# all valid pixels; normal angle mean / median and % within 11.25 / 22.5 /
# 30 degrees), batch 8, Adam with StepLR for 200 epochs. Defines data,
# `tasks`, evaluation and schedule, not the model: a leaf adds a model base
# and sets `model.tasks=_base_.tasks`.
#
# Delta_m (LibMTL: every metric of a task, task means averaged) needs the
# single-task results of configs/benchmarks/nyuv2_3task_stl_*.py in a JSON
# file; a leaf then adds
#   val_evaluator = dict(delta_m=dict(baseline='<json>',
#       task_metrics=_base_.delta_m_metrics, convention='task_mean'))
# Single-task leaves use `tasks=dict(<t>=_base_.tasks.<t>)` and
# `task_metrics.<t>` (see tools/generate_configs.py BENCHMARKS).
_base_ = [
    '../datasets/multitask_loaders.py', '../schedules/libmtl_adam_step.py',
    '../default_runtime.py'
]
dataset_type = 'NYUv2MTANDataset'
data_root = 'data/nyuv2'
tasks = dict(
    seg=dict(channels=13, loss=dict(type='LabelCELoss', ignore_index=255)),
    depth=dict(channels=1, loss=dict(type='DepthRegressionLoss',
                                     penalty='l1')),
    normal=dict(channels=3, loss=dict(type='UnitNormalLoss', penalty='cos')))
# The rule of an architecture config weighs the tasks, each task's terms
# summed (HierarchicalWeighting groups).
task_groups = {task: rf'^{task}\.' for task in tasks}
# Network input size (the expert mixtures' gates read the whole image):
# the images.
img_size = (288, 384)
task_metrics = dict(
    seg=dict(type='IoUMetric', iou_metrics=['mIoU']),
    depth=dict(type='PooledDepthMetric'),
    normal=dict(type='NormalMetric'))
delta_m_metrics = dict(
    seg=['seg/mIoU', 'seg/aAcc'],
    depth=['depth/abs_err', 'depth/rel_err'],
    normal=['normal/angle_mean', 'normal/angle_median', 'normal/within_11.25',
            'normal/within_22.5', 'normal/within_30'])
# LibMTL's --aug adds a random scale-crop; the flip is the MTAN default here.
train_pipeline = [
    dict(type='RandomFlipWithNormals', prob=0.5),
    dict(type='PackMultiTaskInputs'),
]
test_pipeline = [dict(type='PackMultiTaskInputs')]
train_dataloader = dict(
    dataset=dict(
        type=dataset_type, data_root=data_root, split='train',
        pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(
        type=dataset_type, data_root=data_root, split='val',
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='MultiTaskMetric', tasks=task_metrics)
test_evaluator = val_evaluator
