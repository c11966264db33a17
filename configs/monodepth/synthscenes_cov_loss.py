# Small monodepth (ResNet18) on SynthScenes stereo (twin of
# cityscapes_cov_loss.py): CoV-Weighting on the statistics of the losses
# instead of the loss ratios (Table 7).
_base_ = [
    '../_base_/models/monodepth_r18_tiny.py',
    '../_base_/datasets/synthscenes_stereo.py',
    '../_base_/schedules/monodepth_synthetic_cpu.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/cov_loss.py',
]
model = dict(weighter=_base_.weighter)
