# Cityscapes stereo for training (bottom fifth cropped), evaluated on the
# KITTI Eigen test split as in the CoV-Weighting paper.
_base_ = ['./kitti_eigen_stereo.py']
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='CityscapesStereoDataset',
        data_root='data/cityscapes',
        split='train',
        crop_bottom=0.2,
        pipeline={{_base_.train_pipeline}}))
