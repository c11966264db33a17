# The synergy net of Jiao et al., "Look Deeper into Depth" (ECCV 2018) on
# NYUv2 with the 4 structure classes of Silberman et al. (ECCV 2012: ground,
# structure, furniture, props): the "Proposed-4c" model of the supplementary
# Tables 4-6 and the data of its Tables 1-2 (the 5-conv leaves replace the
# model). The 40-class setting (./nyuv2_40.py) with the 40-class files of
# data/nyuv2_40 read through the 40 -> 4 table of
# mtlw/datasets/class_maps/nyuv2_40_to_4.txt (num_classes=4); built from
# the same pieces rather than on top of it, as leaves may sit at most two
# levels above their pieces.
_base_ = [
    '../models/synergy_r50.py',
    '../datasets/nyuv2_40.py',
    '../schedules/deeplab_adam.py',
    '../default_runtime.py',
]
num_classes = 4
model = dict(tasks=dict(
    depth=dict(_base_.depth_task, value_range=_base_.depth_range),
    seg=dict(channels=num_classes, loss=_base_.seg_loss)))
train_dataloader = dict(dataset=dict(num_classes=num_classes))
val_dataloader = dict(dataset=dict(num_classes=num_classes))
test_dataloader = val_dataloader
default_hooks = dict(checkpoint=dict(save_best='depth/rmse', rule='less'))
