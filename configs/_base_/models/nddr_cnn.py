# NDDR-CNN of Gao, Ma, Zhao, Liu, Yuille (CVPR 2019) in the form of
# Vandenhende et al.'s library: one dilated ResNet-50 column per task (output
# stride 8), an NDDR layer (alpha 0.9) after the stem and every stage, one
# DeepLabV3 head per task. `tasks` come from the benchmark base.
data_preprocessor = dict(
    type='MultiTaskDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True)
model = dict(
    type='NDDRCNN',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='StagedResNet',
        depth=50,
        strides=(1, 2, 1, 1),
        dilations=(1, 1, 2, 4),
        contract_dilation=True,
        # torchvision's ImageNet weights (as LibMTL's resnet_dilated);
        # offline: model.backbone.checkpoint=<resnet50.tv_in1k file>
        pretrained=True),
    decode_head=dict(type='DeepLabV3Head', channels=256,
                     dilations=(12, 24, 36)),
    nddr_stages=(0, 1, 2, 3, 4),  # the stem and every residual stage
    neck=dict(type='NDDRLayer', alpha=0.9),  # beta: 0.1 / (K - 1)
    # What gradient rules differentiate against, in mode='params': all
    # columns (through the NDDR layers each reaches every task).
    shared='backbone')
