# The synergy network of Jiao et al., "Look Deeper into Depth" (ECCV 2018)
# on NYUv2 with 40 classes: ResNet50 shared
# encoder, L_DA + L_JG on depth in metres, semantic focal loss. The paper
# does not state its optimiser here; Adam at 1e-4 for 16 epochs (the
# DeepLabV3+ schedule) is used. Leaves set the variant and the weighter.
_base_ = [
    '../models/synergy_r50.py',
    '../datasets/nyuv2_40.py',
    '../schedules/deeplab_adam.py',
    '../default_runtime.py',
]
model = dict(tasks=dict(
    depth=dict(_base_.depth_task, value_range=_base_.depth_range),
    seg=dict(channels=_base_.num_classes, loss=_base_.seg_loss)))
default_hooks = dict(checkpoint=dict(save_best='depth/rmse', rule='less'))
