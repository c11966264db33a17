# Monodepth (ResNet50), single scale, 8 losses, on KITTI (Eigen split), CoV-
# Weighting (full history; Table 4).
_base_ = [
    '../_base_/models/monodepth_r50_1scale.py',
    '../_base_/datasets/kitti_eigen_stereo.py',
    '../_base_/schedules/monodepth_kitti_30e.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/cov.py',
]
model = dict(weighter=_base_.weighter)
