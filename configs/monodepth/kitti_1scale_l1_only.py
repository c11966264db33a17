# Monodepth (ResNet50), single scale, 8 losses, on KITTI (Eigen split), the L1
# terms alone (CoV-Weighting paper, Table 4, with its supplement).
_base_ = [
    '../_base_/models/monodepth_r50_1scale.py',
    '../_base_/datasets/kitti_eigen_stereo.py',
    '../_base_/schedules/monodepth_kitti_30e.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/monodepth_l1_only.py',
]
model = dict(
    weighter=dict(_base_.weighter, weights={
        key: value for key, value in _base_.weighter.weights.items()
        if '_s0_' in key}))
