# Monodepth (ResNet50) on Cityscapes, evaluated on KITTI Eigen, MGDA-UB on the
# representation
# Z = the output of decode_head.iconv4 (stride 8), as the CoV-Weighting
# authors' code does: the last feature map all 32 losses (4 scales) depend
# on; the encoder's skips into the finer levels bypass it, so the single
# backward does not apply.
_base_ = [
    '../_base_/models/monodepth_r50.py',
    '../_base_/datasets/cityscapes_stereo.py',
    '../_base_/schedules/monodepth_cityscapes_100e.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/mgda.py',
]
model = dict(
    weighter=dict(_base_.weighter, single_backward=False),
    shared='decode_head.iconv4')
