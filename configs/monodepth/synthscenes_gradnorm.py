# Small monodepth (ResNet18) on SynthScenes stereo (twin of kitti_gradnorm.py):
# GradNorm (alpha 1.5, weights summing to 1) on the convolution weight of
# decode_head.iconv4 alone, the last layer all 32 losses share, as the
# CoV-Weighting authors' code does.
_base_ = [
    '../_base_/models/monodepth_r18_tiny.py',
    '../_base_/datasets/synthscenes_stereo.py',
    '../_base_/schedules/monodepth_synthetic_cpu.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/gradnorm.py',
]
model = dict(
    weighter=dict(
        _base_.weighter, normalize_to='one', param_names=('conv.weight', )),
    shared='decode_head.iconv4')
