# Monodepth (ResNet50), single scale, 8 losses, on KITTI (Eigen split), MGDA-UB
# on the output of the shared layer (Table 4); the shared layer:
# decode_head.extra_convs.1, the last conv before the head (the supplement's
# two extra layers are there for these rules).
_base_ = [
    '../_base_/models/monodepth_r50_1scale.py',
    '../_base_/datasets/kitti_eigen_stereo.py',
    '../_base_/schedules/monodepth_kitti_30e.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/mgda.py',
]
model = dict(
    weighter=dict(_base_.weighter, single_backward=False),
    shared='decode_head.extra_convs.1')
