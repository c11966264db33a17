# Small monodepth (ResNet18) on SynthScenes stereo (twin of
# kitti_cov_decay.py): CoV-Weighting with decaying statistics.
_base_ = [
    '../_base_/models/monodepth_r18_tiny.py',
    '../_base_/datasets/synthscenes_stereo.py',
    '../_base_/schedules/monodepth_synthetic_cpu.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/cov_decay.py',
]
model = dict(weighter=_base_.weighter)
