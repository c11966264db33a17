# Small monodepth (ResNet18) on SynthScenes stereo (twin of kitti_lr_only.py):
# the left-right consistency terms alone (Table 4).
_base_ = [
    '../_base_/models/monodepth_r18_tiny.py',
    '../_base_/datasets/synthscenes_stereo.py',
    '../_base_/schedules/monodepth_synthetic_cpu.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/monodepth_lr_only.py',
]
model = dict(weighter=_base_.weighter)
