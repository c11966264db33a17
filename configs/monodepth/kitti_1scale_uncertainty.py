# Monodepth (ResNet50), single scale, 8 losses, on KITTI (Eigen split),
# Uncertainty Weighting in the CoV authors' form (Table 4).
_base_ = [
    '../_base_/models/monodepth_r50_1scale.py',
    '../_base_/datasets/kitti_eigen_stereo.py',
    '../_base_/schedules/monodepth_kitti_30e.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/uncertainty.py',
]
model = dict(
    weighter=dict(_base_.weighter, num_losses=8, variant='cov_code'))
