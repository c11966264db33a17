# Monodepth (ResNet50) on Cityscapes, evaluated on KITTI Eigen, MGDA on the
# gradients of decode_head.iconv4, the last layer all 32 losses share.
_base_ = [
    '../_base_/models/monodepth_r50.py',
    '../_base_/datasets/cityscapes_stereo.py',
    '../_base_/schedules/monodepth_cityscapes_100e.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/mgda.py',
]
model = dict(
    weighter=dict(_base_.weighter, mode='params'),
    shared='decode_head.iconv4')
