# The networks of the Loss Scale Balancing study (Lee, Lee, Kim, ICCV 2021,
# supplement section 1) with a timm MobileNetV2 encoder: the whole network
# but the last (classification) layer, so its stride-32 map after the final
# 1x1 conv (1280 channels, head_conv=True; Table S-1) feeds TwelveConvDecoder
# (12 3x3 convs, 5 bilinear upsamplings). Encoders start from ImageNet
# weights (supplement section 3), fetched by timm on first use; offline, set
# model.backbone.checkpoint (docs/get_started.md). PNASNet settings swap in
# `pnasnet` below (4320 channels at stride 32).
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
        type='TimmEncoder',
        model_name='mobilenetv2_100',
        pretrained=True,
        out_indices=(4, ),
        head_conv=True),
    decoder=dict(type='TwelveConvDecoder', in_channels=1280),
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
    backbone=dict(model_name='pnasnet5large', head_conv=False),
    decoder=dict(in_channels=4320),
    data_preprocessor=dict(mean=[127.5] * 3, std=[127.5] * 3))
