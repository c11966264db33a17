# Monodepth (ResNet50) on Cityscapes, evaluated on KITTI Eigen, CoV-Weighting
# with statistics decaying over 100 steps (the paper's Table 2).
_base_ = [
    '../_base_/models/monodepth_r50.py',
    '../_base_/datasets/cityscapes_stereo.py',
    '../_base_/schedules/monodepth_cityscapes_100e.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/cov_decay100.py',
]
model = dict(weighter=_base_.weighter)
