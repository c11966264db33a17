# DeepLabV3+ of Argenziano and Pagani, "Multi-Task Learning for Semantics and
# Depth" (course report, 2022): ResNet34 with the last stride replaced by a
# dilation (timm output_stride=16), ASPP with rates (3, 6, 9) and image
# pooling, 256 channels, decoder with the stride-4 skip reduced to 48
# channels. The encoder starts from ImageNet weights (the report's
# "pretrained" flag, section 1.2 (a): torchvision's, which timm serves as
# resnet34.tv_in1k), fetched on first use; offline, point
# model.backbone.checkpoint at a local copy (docs/get_started.md). `type`
# picks the architecture: DeepLabJoint, DeepLabBranched (the report's
# baseline, set here) or DeepLabDistilled. `tasks` and
# `depth_normalization` come from the dataset base.
data_preprocessor = dict(
    type='MultiTaskDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True)
model = dict(
    type='DeepLabBranched',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='TimmEncoder',
        model_name='resnet34.tv_in1k',
        pretrained=True,
        output_stride=16,
        out_indices=(1, 4)),
    aspp=dict(channels=256, dilations=(3, 6, 9)),
    decoder=dict(channels=256, skip_channels=48),
    shared='backbone')  # what GradNorm / MGDA differentiate against
# The report's best encoder (section 4.1): ResNet50 with squeeze-and-
# excitation in every bottleneck, after the ASPP and in the decoders.
se_resnet50 = dict(
    backbone=dict(model_name='seresnet50'),
    aspp=dict(se=True),
    decoder=dict(se=True))
