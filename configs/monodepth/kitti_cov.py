# Monodepth (ResNet50) on KITTI (Eigen split), CoV-Weighting (full history).
_base_ = [
    '../_base_/models/monodepth_r50.py',
    '../_base_/datasets/kitti_eigen_stereo.py',
    '../_base_/schedules/monodepth_kitti_30e.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/cov.py',
]
model = dict(weighter=_base_.weighter)
