# Cityscapes stereo for training (bottom fifth cropped), evaluated on the
# KITTI Eigen test split as in the CoV-Weighting paper. Training uses the
# CoV-Weighting authors' list, which is train + train_extra (22,973 pairs).
_base_ = ['./kitti_eigen_stereo.py']
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='CityscapesStereoDataset',
        data_root='data/cityscapes',
        split=('train', 'train_extra'),
        crop_bottom=0.2,
        pipeline={{_base_.train_pipeline}}))
