# The information sharing structures of Jiao et al., "Look Deeper into
# Depth" (ECCV 2018, supplementary section 2, Fig. 2, Tables 1-2) on NYUv2
# with 4 classes: each task's network is 5 convs (3x3, BN, ReLU; widths
# 64, 128, 256, 256, 256, strides 2, 2, 2, 1, 1, predictions at 1/8) and a
# 1x1 prediction conv, from random weights; the synergy net's losses and
# schedule (the paper trains every structure "in the same setup" and gives no
# more). Leaves set the structure, its split or order, and `shared`.
_base_ = ['./nyuv2_4.py']
model = dict(
    _delete_=True,
    type='SharingStructureNet',
    data_preprocessor=_base_.data_preprocessor,
    tasks=dict(
        depth=dict(_base_.depth_task, value_range=_base_.depth_range),
        seg=dict(channels=_base_.num_classes, loss=_base_.seg_loss)),
    channels=(64, 128, 256, 256, 256),
    strides=(2, 2, 2, 1, 1))
