# Monodepth (ResNet50) on KITTI (Eigen split), the left-right consistency terms
# alone (Table 4).
_base_ = [
    '../_base_/models/monodepth_r50.py',
    '../_base_/datasets/kitti_eigen_stereo.py',
    '../_base_/schedules/monodepth_kitti_30e.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/monodepth_lr_only.py',
]
model = dict(weighter=_base_.weighter)
