# Monodepth (ResNet50) on Cityscapes, evaluated on KITTI Eigen, inverse
# CoV-Weighting of the loss ratios, w ~ mu / sigma (Table 7).
_base_ = [
    '../_base_/models/monodepth_r50.py',
    '../_base_/datasets/cityscapes_stereo.py',
    '../_base_/schedules/monodepth_cityscapes_100e.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/cov_inverse.py',
]
model = dict(weighter=_base_.weighter)
