# Small monodepth (ResNet18) on SynthScenes stereo (twin of kitti_mgda.py):
# MGDA-UB on the representation Z = the output of decode_head.iconv4 (stride
# 8), as the CoV-Weighting authors' code does: the last feature map all 32
# losses (4 scales) depend on; the encoder's skips into the finer levels bypass
# it, so the single backward does not apply.
_base_ = [
    '../_base_/models/monodepth_r18_tiny.py',
    '../_base_/datasets/synthscenes_stereo.py',
    '../_base_/schedules/monodepth_synthetic_cpu.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/mgda.py',
]
model = dict(
    weighter=dict(_base_.weighter, single_backward=False),
    shared='decode_head.iconv4')
