# PASCAL-Context, 5 tasks, in the protocol of Vandenhende et al. ("Multi-
# Task Learning for Dense Prediction Tasks: A Survey", TPAMI 2021;
# "MTI-Net", ECCV 2020; Multi-Task-Learning-PyTorch): 4998 train / 5105 val
# images, trained at 512 x 512, with 21-class semantics and 6 human parts
# (CE), distilled saliency (class-balanced BCE), distilled surface normals
# (L1 of the unit normal) and boundaries (BCE with positives weighted
# 0.95); Adam with poly decay for 100 epochs, batch 8. Metrics: mIoU (both
# label maps), saliency max F (beta^2 = 1 as their code computes it; 0.3
# is the saliency literature's), normal mean angle, boundary ODS F
# (tolerance 0.0075 of the diagonal; test evaluator only, it is slow).
# Their static loss weights are `handtuned_weights`. No model: a leaf adds
# a model base and sets `model.tasks=_base_.tasks`. Delta_m (one metric per
# task): `delta_m_metrics`, convention 'one_per_task', against
# configs/benchmarks/pcontext_5task_stl_*.py.
_base_ = [
    '../datasets/multitask_loaders.py',
    '../schedules/vandenhende_adam_poly.py', '../default_runtime.py'
]
dataset_type = 'PascalMTDataset'
data_root = 'data/PASCAL_MT'
tasks = dict(
    seg=dict(channels=21, loss=dict(type='LabelCELoss', ignore_index=255)),
    parts=dict(channels=7, loss=dict(type='LabelCELoss', ignore_index=255)),
    sal=dict(channels=1, loss=dict(type='BalancedBCELoss')),
    normal=dict(channels=3, loss=dict(type='UnitNormalLoss', penalty='l1')),
    edge=dict(channels=1, loss=dict(type='BalancedBCELoss', pos_weight=0.95)))
handtuned_weights = {
    'seg.loss_ce': 1.0, 'parts.loss_ce': 2.0, 'sal.loss_bce': 5.0,
    'normal.loss_l1': 10.0, 'edge.loss_bce': 50.0}
# The rule of an architecture config weighs the tasks, each task's terms
# summed (HierarchicalWeighting groups).
task_groups = {task: rf'^{task}\.' for task in tasks}
# Network input size (the expert mixtures' gates read the whole image):
# the training crops; validation images, at most 500 x 500, are padded to it by
# the architecture configs, as Vandenhende et al. pad them.
img_size = (512, 512)
task_metrics = dict(
    seg=dict(type='IoUMetric', iou_metrics=['mIoU']),
    parts=dict(type='LabelIoUMetric', task='parts', num_classes=7),
    sal=dict(type='SaliencyMetric', beta_sq=1.0),
    normal=dict(type='NormalMetric'),
    edge=dict(type='EdgeODSMetric', max_dist=0.0075))
delta_m_metrics = dict(
    seg=['seg/mIoU'], parts=['parts/mIoU'], sal=['sal/maxF'],
    normal=['normal/angle_mean'], edge=['edge/odsF'])
pixel_keys = ('gt_normal_map', 'gt_parts_map', 'gt_sal_map', 'gt_edge_map')
# Their scale / rotation augmentation is not reproduced: resize and flip.
train_pipeline = [
    dict(type='Resize', scale=(512, 512), keep_ratio=False),
    dict(type='RandomFlipWithNormals', prob=0.5),
    dict(type='PackMultiTaskInputs', pixel_keys=pixel_keys),
]
# images differ in size: evaluated one at a time at their own size
test_pipeline = [dict(type='PackMultiTaskInputs', pixel_keys=pixel_keys)]
train_dataloader = dict(
    dataset=dict(
        type=dataset_type, data_root=data_root, split='train',
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    dataset=dict(
        type=dataset_type, data_root=data_root, split='val',
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(
    type='MultiTaskMetric',
    tasks={task: metric for task, metric in task_metrics.items()
           if task != 'edge'})
test_evaluator = dict(type='MultiTaskMetric', tasks=task_metrics)
