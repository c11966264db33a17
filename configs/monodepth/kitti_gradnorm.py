# Monodepth (ResNet50) on KITTI (Eigen split), GradNorm (alpha 1.5, weights
# summing to 1) on the convolution weight of decode_head.iconv4 alone, the last
# layer all 32 losses share, as the CoV-Weighting authors' code does.
_base_ = [
    '../_base_/models/monodepth_r50.py',
    '../_base_/datasets/kitti_eigen_stereo.py',
    '../_base_/schedules/monodepth_kitti_30e.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/gradnorm.py',
]
model = dict(
    weighter=dict(
        _base_.weighter, normalize_to='one', param_names=('conv.weight', )),
    shared='decode_head.iconv4')
