# Weakly supervised outdoor training of Jiao et al., "Look Deeper into Depth"
# (ECCV 2018, supplementary section 8): the 200 KITTI
# stereo 2015 training images with depth only and 200 Cityscapes images with
# semantics only, at 256 x 512, no sample carrying both. FillMissingLabels
# gives each sample an empty map for the label it lacks and
# partial_labels=True drops that task's loss for it (the rule of
# mtlw/weighting/partial_labels.py). The paper fine-tunes its NYUv2
# model (load_from=...) with lr 1e-2 on the new last semantic layer and 1e-4
# elsewhere; the Cityscapes train IDs give 19 classes here.
_base_ = [
    '../models/synergy_r50.py',
    '../datasets/cityscapes_depth_seg.py',
    '../schedules/deeplab_adam.py',
    '../default_runtime.py',
]
model = dict(
    partial_labels=True,
    tasks=dict(
        depth=dict(_base_.depth_task, value_range=(1e-3, 80.0)),
        seg=dict(channels=19, loss=_base_.seg_loss)))
optim_wrapper = dict(paramwise_cfg=dict(
    custom_keys={'branches.seg.out': dict(lr_mult=100.0)}))


def _pipeline(drop):
    return [
        dict(type='Resize', scale=(512, 256), keep_ratio=False),
        dict(type='RandomFlip', prob=0.5),
        dict(type='FillMissingLabels', drop=drop),
        dict(type='PackMultiTaskInputs'),
    ]


train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='ConcatDataset',
        datasets=[
            dict(type='KittiStereo2015DepthDataset',
                 data_root='data/kitti_stereo2015', pipeline=_pipeline(())),
            dict(type='CityscapesDepthSegDataset',
                 data_root=_base_.data_root, split='train',
                 labels=('gt_seg_map', ), indices=200,
                 pipeline=_pipeline(())),
        ]))
