# Cityscapes, 2 tasks, in the MTAN / LibMTL protocol (Liu, Johns, Davison,
# CVPR 2019; LibMTL examples/cityscapes): 2975 train / 500 val images at
# 128 x 256, 7-class semantics and depth; LibMTL's losses and metrics (as
# nyuv2_3task.py), batch 64, Adam with StepLR for 200 epochs. No model: a
# leaf adds a model base and sets `model.tasks=_base_.tasks`; Delta_m as
# in nyuv2_3task.py.
_base_ = [
    '../datasets/multitask_loaders.py', '../schedules/libmtl_adam_step.py',
    '../default_runtime.py'
]
dataset_type = 'CityscapesMTANDataset'
data_root = 'data/cityscapes2'
tasks = dict(
    seg=dict(channels=7, loss=dict(type='LabelCELoss', ignore_index=255)),
    depth=dict(channels=1, loss=dict(type='DepthRegressionLoss',
                                     penalty='l1')))
# The rule of an architecture config weighs the tasks, each task's terms
# summed (HierarchicalWeighting groups).
task_groups = {task: rf'^{task}\.' for task in tasks}
# Network input size (the expert mixtures' gates read the whole image):
# the images.
img_size = (128, 256)
task_metrics = dict(
    seg=dict(type='IoUMetric', iou_metrics=['mIoU']),
    depth=dict(type='PooledDepthMetric'))
delta_m_metrics = dict(
    seg=['seg/mIoU', 'seg/aAcc'], depth=['depth/abs_err', 'depth/rel_err'])
train_pipeline = [dict(type='PackMultiTaskInputs')]  # LibMTL: no augmentation
test_pipeline = [dict(type='PackMultiTaskInputs')]
train_dataloader = dict(
    batch_size=64,
    dataset=dict(
        type=dataset_type, data_root=data_root, split='train',
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=64,
    dataset=dict(
        type=dataset_type, data_root=data_root, split='val',
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='MultiTaskMetric', tasks=task_metrics)
test_evaluator = val_evaluator
