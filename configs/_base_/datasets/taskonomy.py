# Taskonomy at 256 x 256 with the 8 tasks of the Loss Scale Balancing study
# (depth, normals, principal curvature, reshading, 2D / 3D edges, 2D / 3D
# keypoints); settings may keep fewer (configs/_base_/pixelwise/taskonomy_4task.py).
# Views are listed in <data_root>/splits/{train,test}.txt (docs/lsb.md).
dataset_type = 'TaskonomyDataset'
data_root = 'data/taskonomy'
img_size = (256, 256)
depth_range = (0.1, 128.0)  # metres; depth_zbuffer stores up to 128 m
_depth_loss = dict(type='DepthLogL1Loss', depth_range=depth_range)
_map_loss = dict(type='L1StdLoss')
all_tasks = dict(
    depth=dict(channels=1, loss=_depth_loss, value_range=depth_range),
    normal=dict(channels=3, loss=dict(type='NormalCosineLoss')),
    curvature=dict(channels=2, loss=_map_loss),
    reshading=dict(channels=1, loss=_map_loss),
    edge2d=dict(channels=1, loss=_map_loss),
    edge3d=dict(channels=1, loss=_map_loss),
    keypoints2d=dict(channels=1, loss=_map_loss),
    keypoints3d=dict(channels=1, loss=_map_loss))
# The supplement's errors: each loss without its regularisers, 2D edges x 10,
# 3D edges and 2D keypoints x 100.
_scales = dict(edge2d=10.0, edge3d=100.0, keypoints2d=100.0)
_terms = dict(depth='loss_log_l1', normal='loss_cos')
all_errors = {
    task: dict(type='TaskErrorMetric', task=task, loss=spec['loss'],
               term=_terms.get(task, 'loss_l1'),
               scale=_scales.get(task, 1.0))
    for task, spec in all_tasks.items()
}
tasks = all_tasks
task_groups = {task: rf'^{task}\.' for task in tasks}
_pack = dict(
    type='PackMultiTaskInputs',
    pixel_keys=[f'gt_{task}_map' for task in all_tasks if task != 'depth'])
train_pipeline = [dict(type='RandomFlipWithNormals', prob=0.5), _pack]
test_pipeline = [_pack]
train_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type, data_root=data_root, ann_file='splits/train.txt',
        tasks=list(tasks), img_size=img_size, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type, data_root=data_root, ann_file='splits/test.txt',
        tasks=list(tasks), img_size=img_size, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='MultiTaskMetric', tasks=all_errors)
test_evaluator = val_evaluator
