# SegNet-MTAN of Liu, Johns, Davison ("End-to-End Multi-Task Learning with
# Attention", CVPR 2019; the authors' im2im_pred/model_segnet_mtan.py): a
# shared SegNet (levels 64, 128, 256, 512, 512 wide) with task attention at
# every encoder and decoder level; 44.23M parameters for NYUv2's 13 classes
# + depth + normals. Trained from scratch, as in the paper (Xavier-normal
# convolutions). `tasks` come from the benchmark base.
data_preprocessor = dict(
    type='MultiTaskDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True)
model = dict(
    type='SegNetMTAN',
    data_preprocessor=data_preprocessor,
    backbone=dict(type='SegNet', channels=(64, 128, 256, 512, 512)),
    # What gradient rules differentiate against, in mode='params': the
    # attention reads every SegNet level, there is no one shared output.
    shared='backbone')
