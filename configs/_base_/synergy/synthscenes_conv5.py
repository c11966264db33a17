# The CPU twin of the information sharing structures of Jiao et al., "Look
# Deeper into Depth" (ECCV 2018, supplementary section 2, Tables 1-2): the
# SynthScenes synergy setting (depth + 6 classes at 64 x 128, 400 steps of
# Adam at lr 1e-3) with 5-conv task networks of widths 16, 32, 32, 32, 32
# (strides 2, 2, 2, 1, 1). Leaves set the structure, its split or order, and
# `shared`.
_base_ = ['./synthscenes.py']
model = dict(
    _delete_=True,
    type='SharingStructureNet',
    data_preprocessor=_base_.data_preprocessor,
    tasks=dict(
        depth=dict(_base_.depth_task, value_range=_base_.depth_range),
        seg=dict(channels=6, loss=_base_.seg_loss)),
    channels=(16, 32, 32, 32, 32),
    strides=(2, 2, 2, 1, 1))
num_classes = 6
