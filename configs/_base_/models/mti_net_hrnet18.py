# MTI-Net (Vandenhende, Georgoulis, Van Gool, ECCV 2020) on HRNetV2-W18 as the
# authors' code builds it: the four HRNet branches (strides 4, 8, 16, 32; 18,
# 36, 72, 144 channels) through timm (`feature_location=''` gives the raw
# branch outputs), initial task predictions with deep supervision at every
# scale, feature propagation, distillation per scale and an HRNetV2 head per
# task. `tasks` come from the benchmark base (any number, any channels);
# every loss term is a named term of the weighter: '<task>.<term>' (final)
# and '<task>.<term>_s1_<stride>' (initial predictions).
data_preprocessor = dict(
    type='MultiTaskDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True)
model = dict(
    type='MTINet',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='TimmEncoder',
        # HRNet-W18-C, the HRNet authors' ImageNet model (timm's tag
        # ms_in1k), which Vandenhende et al. start from; offline:
        # model.backbone.checkpoint=checkpoints/hrnet_w18.ms_in1k.safetensors
        model_name='hrnet_w18.ms_in1k',
        feature_location='',
        pretrained=True,
        out_indices=(1, 2, 3, 4)),
    strides=(4, 8, 16, 32),
    distillation=dict(attention='source', bias=False),
    shared='backbone',  # what gradient rules differentiate against
    weighter=dict(type='StaticWeighting'))
# Other backbones a setting merges into `model` (maps at strides 4 .. 32):
hrnet48 = dict(backbone=dict(model_name='hrnet_w48'))
# the same HRNet-W18 from mmpretrain (its channels are not read from timm)
hrnet18_mmpretrain = dict(
    backbone=dict(_delete_=True, type='mmpretrain.HRNet', arch='w18'),
    in_channels=(18, 36, 72, 144))
timm_features = dict(
    _delete_=True,
    type='mmpretrain.TIMMBackbone',
    features_only=True,
    pretrained=False,
    out_indices=(1, 2, 3, 4))
resnet50 = dict(backbone=dict(timm_features, model_name='resnet50'))
mobilenetv2 = dict(backbone=dict(timm_features, model_name='mobilenetv2_100'))
pnasnet = dict(
    backbone=dict(timm_features, model_name='pnasnet5large'),
    data_preprocessor=dict(mean=[127.5] * 3, std=[127.5] * 3))
