# The networks of the Loss Scale Balancing study (Lee, Lee, Kim, ICCV 2021,
# supplement section 1) with a timm MobileNetV2 encoder: its stride-32 map
# (320 channels) feeds TwelveConvDecoder (12 3x3 convs, 5 bilinear upsamplings).
# PNASNet settings swap in `pnasnet` below (4320 channels at stride 32).
# `tasks` come from the dataset base; the weighter weighs each task's loss
# (its loss and regularisers summed), as the paper does: `groups` (one per
# task) come from the dataset base, `outer` is the rule under study.
data_preprocessor = dict(
    type='MultiTaskDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True)
model = dict(
    type='PixelwiseMultiTaskNet',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='mmpretrain.TIMMBackbone',
        model_name='mobilenetv2_100',
        features_only=True,
        pretrained=False,
        out_indices=(4, )),
    decoder=dict(type='TwelveConvDecoder', in_channels=320),
    architecture='multi_column',
    neck=dict(type='CrossStitch'),  # alpha = 1/n unless a setting says more
    shared='backbone',  # what GradNorm / MGDA differentiate against
    weighter=dict(
        type='HierarchicalWeighting',
        groups=dict(),  # set by the setting: one group per task
        inner=dict(type='StaticWeighting'),
        outer=dict(type='StaticWeighting', normalize=True)))
# What a PNASNet-5-Large setting merges into `model`.
pnasnet = dict(
    backbone=dict(model_name='pnasnet5large'),
    decoder=dict(in_channels=4320),
    data_preprocessor=dict(mean=[127.5] * 3, std=[127.5] * 3))
