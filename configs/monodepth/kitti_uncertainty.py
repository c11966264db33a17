# Monodepth (ResNet50) on KITTI (Eigen split), Uncertainty Weighting in the CoV
# authors' form.
_base_ = [
    '../_base_/models/monodepth_r50.py',
    '../_base_/datasets/kitti_eigen_stereo.py',
    '../_base_/schedules/monodepth_kitti_30e.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/uncertainty.py',
]
model = dict(
    weighter=dict(_base_.weighter, num_losses=32, variant='cov_code'))
