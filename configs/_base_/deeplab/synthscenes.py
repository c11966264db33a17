# The CPU twin of Argenziano and Pagani, "Multi-Task Learning for Semantics
# and Depth" (course report, 2022): SynthScenes semantics + depth at
# 64 x 128, a dilated ResNet18 from random weights and 64-wide ASPP /
# decoders (skip 16), 400 steps of Adam at lr 1e-3 (minutes on 2 cores).
# Leaves set the architecture (`type`) and the weighter.
_base_ = [
    '../models/deeplab_v3plus_r34.py',
    '../datasets/synthscenes_depth_seg.py',
    '../schedules/deeplab_adam.py',
    '../default_runtime.py',
]
model = dict(
    tasks=_base_.tasks,
    depth_normalization=_base_.depth_normalization,
    backbone=dict(model_name='resnet18', pretrained=False),
    aspp=dict(channels=64),
    decoder=dict(channels=64, skip_channels=16))
optim_wrapper = dict(optimizer=dict(lr=1e-3))
train_cfg = dict(
    _delete_=True, type='IterBasedTrainLoop', max_iters=400,
    val_interval=400)
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(by_epoch=False, interval=400, max_keep_ckpts=1,
                    save_best=None))
