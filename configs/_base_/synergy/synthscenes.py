# The CPU twin of Jiao et al., "Look Deeper into Depth" (ECCV 2018): the
# synergy net on SynthScenes depth + 6-class
# semantics at 64 x 128, a ResNet18 encoder from random weights, decoder widths
# (128, 64, 32, 32, 16), 400 steps of Adam at lr 1e-3. Depth is evaluated on
# the whole range and on the pixels within 4, 6 and 8 m (supplementary
# Tables 4-6). Leaves set the variant (split, lateral) and the weighter.
_base_ = [
    '../models/synergy_r50.py',
    '../datasets/synthscenes_depth_seg.py',
    '../schedules/deeplab_adam.py',
    '../default_runtime.py',
]
num_classes = 6
model = dict(
    tasks=dict(
        depth=dict(_base_.depth_task, value_range=_base_.depth_range),
        seg=dict(channels=num_classes, loss=_base_.seg_loss)),
    backbone=dict(model_name='resnet18', pretrained=False),
    channels=(128, 64, 32, 32, 16))
optim_wrapper = dict(optimizer=dict(lr=1e-3))
train_cfg = dict(
    _delete_=True, type='IterBasedTrainLoop', max_iters=400,
    val_interval=400)
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(by_epoch=False, interval=400, max_keep_ckpts=1,
                    save_best=None))
val_evaluator = dict(
    tasks=dict(depth=[
        dict(type='PerImageDepthMetric', min_depth=1e-3, max_depth=80.0),
        dict(type='RangeDepthMetric', max_eval_depth=4.0, max_depth=80.0,
             prefix='depth_4m'),
        dict(type='RangeDepthMetric', max_eval_depth=6.0, max_depth=80.0,
             prefix='depth_6m'),
        dict(type='RangeDepthMetric', max_eval_depth=8.0, max_depth=80.0,
             prefix='depth_8m'),
    ]))
test_evaluator = val_evaluator
