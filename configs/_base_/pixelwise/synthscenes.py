# The CPU twin of the LSB study: SynthScenes depth + normals + semantics at
# 64 x 128, a MobileNetV2-0.5 encoder from random weights, cut after its
# last stage (160 channels, no 1280 conv) and 8-wide decoders, 120 steps of
# AdamW at lr 1e-3 (a minute or two per run on 2 cores). One period of the
# periodic weighters = one epoch = 10 steps. Cross-stitch init 0.9 / 0.05.
_base_ = [
    '../models/pixelwise_multitask_net.py', '../datasets/synthscenes_multitask.py',
    '../schedules/pixelwise_adamw.py', '../default_runtime.py'
]
model = dict(
    tasks=_base_.tasks,
    backbone=dict(
        model_name='mobilenetv2_050', pretrained=False, head_conv=False),
    decoder=dict(in_channels=160, channels=(32, 32, 16, 16, 8, 8)),
    neck=dict(diagonal=0.9, off_diagonal=0.05),
    weighter=dict(groups=_base_.task_groups))
optim_wrapper = dict(optimizer=dict(lr=1e-3))
train_cfg = dict(
    _delete_=True, type='IterBasedTrainLoop', max_iters=120,
    val_interval=120)
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(by_epoch=False, interval=120, max_keep_ckpts=1))
