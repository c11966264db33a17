# Weak supervision on SynthScenes (the CPU twin of Jiao et al., "Look Deeper
# into Depth", ECCV 2018, section 8): 32 scenes keep only their depth, 32
# other scenes only their labels, as KITTI depth and Cityscapes semantics do.
# FillMissingLabels gives each sample an all-invalid map for the label it
# lacks; with partial_labels=True the model drops a task's loss for the
# samples without its label (the branch gets no gradient from them) and, at a
# step where a task has no labelled sample at all, leaves the weighter's
# statistics untouched. A leaf sets
# `train_dataloader = dict(dataset=dict(_base_.unpaired_train_dataset,
# _delete_=True))` next to `_base_/synergy/synthscenes.py` (whose dataset
# type and image size these are).


def _unpaired(seed, drop):
    return dict(
        type='SynthScenesMultiTaskDataset', split='train', num_samples=32,
        seed=seed, img_size=(64, 128),
        pipeline=[
            dict(type='RandomFlipWithNormals', prob=0.5),
            dict(type='FillMissingLabels', drop=drop),
            dict(type='PackMultiTaskInputs'),
        ])


unpaired_train_dataset = dict(
    type='ConcatDataset',
    datasets=[_unpaired(0, ('gt_seg_map', )),
              _unpaired(1, ('gt_depth_map', ))])
