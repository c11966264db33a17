# Monodepth (ResNet50) on Cityscapes, evaluated on KITTI Eigen, CoV-Weighting
# on the statistics of the losses instead of the loss ratios (Table 7).
_base_ = [
    '../_base_/models/monodepth_r50.py',
    '../_base_/datasets/cityscapes_stereo.py',
    '../_base_/schedules/monodepth_cityscapes_100e.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/cov_loss.py',
]
model = dict(weighter=_base_.weighter)
