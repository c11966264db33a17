# Monodepth (ResNet50) on Cityscapes, evaluated on KITTI Eigen, the
# disparity smoothness terms alone (Table 3).
_base_ = [
    '../_base_/models/monodepth_r50.py',
    '../_base_/datasets/cityscapes_stereo.py',
    '../_base_/schedules/monodepth_cityscapes_100e.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/monodepth_disp_only.py',
]
model = dict(weighter=_base_.weighter)
