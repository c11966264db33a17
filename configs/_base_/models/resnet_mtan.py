# MTAN over a dilated ResNet-50 (output stride 8) with one DeepLabV3 head per
# task, as LibMTL builds it for NYUv2 / Cityscapes (LibMTL/architecture/
# MTAN.py with resnet_dilated('resnet50') and DeepLabHead(2048, ...)), but
# with each task's own attention masks (see ResNetMTAN). `tasks` come from
# the benchmark base.
data_preprocessor = dict(
    type='MultiTaskDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True)
model = dict(
    type='ResNetMTAN',
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
    # What gradient rules differentiate against, in mode='params': the
    # attention reads every ResNet stage, there is no one shared output.
    shared='backbone')
