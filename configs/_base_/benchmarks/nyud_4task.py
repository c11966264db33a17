# NYUD-v2, 4 tasks, in the protocol of Vandenhende et al. ("Multi-Task
# Learning for Dense Prediction Tasks: A Survey", TPAMI 2021; "MTI-Net",
# ECCV 2020; Multi-Task-Learning-PyTorch): 795 train / 654 val images at
# 480 x 640 with 40-class semantics (CE), depth (L1), surface normals (L1 of
# the unit normal) and boundaries (BCE with positives weighted 0.95);
# Adam with poly decay for 100 epochs, batch 8. Metrics: mIoU, depth RMSE
# over all valid pixels, normal mean angle, boundary ODS F (matching
# tolerance 0.011 of the diagonal, as their NYUD evaluation). The boundary
# ODS is slow (a matching per image and threshold), so it runs in the test
# evaluator only. Their static loss weights are `handtuned_weights`. No
# model: a leaf adds a model base and sets `model.tasks=_base_.tasks`.
# Delta_m (one metric per task): `delta_m_metrics`, convention
# 'one_per_task', against configs/benchmarks/nyud_4task_stl_*.py.
_base_ = [
    '../datasets/multitask_loaders.py',
    '../schedules/vandenhende_adam_poly.py', '../default_runtime.py'
]
dataset_type = 'NYUDMTDataset'
data_root = 'data/NYUD_MT'
tasks = dict(
    seg=dict(channels=40, loss=dict(type='LabelCELoss', ignore_index=255)),
    depth=dict(channels=1, loss=dict(type='DepthRegressionLoss',
                                     penalty='l1')),
    normal=dict(channels=3, loss=dict(type='UnitNormalLoss', penalty='l1')),
    edge=dict(channels=1, loss=dict(type='BalancedBCELoss', pos_weight=0.95)))
handtuned_weights = {
    'seg.loss_ce': 1.0, 'depth.loss_l1': 1.0, 'normal.loss_l1': 10.0,
    'edge.loss_bce': 50.0}
# The rule of an architecture config weighs the tasks, each task's terms
# summed (HierarchicalWeighting groups).
task_groups = {task: rf'^{task}\.' for task in tasks}
# Network input size (the expert mixtures' gates read the whole image):
# the images.
img_size = (480, 640)
task_metrics = dict(
    seg=dict(type='IoUMetric', iou_metrics=['mIoU']),
    depth=dict(type='PooledDepthMetric'),
    normal=dict(type='NormalMetric'),
    edge=dict(type='EdgeODSMetric', max_dist=0.011))
delta_m_metrics = dict(
    seg=['seg/mIoU'], depth=['depth/rmse'], normal=['normal/angle_mean'],
    edge=['edge/odsF'])
# Their scale / rotation augmentation is not reproduced: flip only.
train_pipeline = [
    dict(type='RandomFlipWithNormals', prob=0.5),
    dict(type='PackMultiTaskInputs',
         pixel_keys=('gt_normal_map', 'gt_edge_map')),
]
test_pipeline = [
    dict(type='PackMultiTaskInputs',
         pixel_keys=('gt_normal_map', 'gt_edge_map'))
]
train_dataloader = dict(
    dataset=dict(
        type=dataset_type, data_root=data_root, split='train',
        pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(
        type=dataset_type, data_root=data_root, split='val',
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(
    type='MultiTaskMetric',
    tasks={task: metric for task, metric in task_metrics.items()
           if task != 'edge'})
test_evaluator = dict(type='MultiTaskMetric', tasks=task_metrics)
