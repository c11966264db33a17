# PAD-Net (Xu, Ouyang, Wang, Sebe, CVPR 2018) as Vandenhende et al.'s code
# builds it on HRNetV2-W18: the four HRNet branches upsampled to stride 4 and
# concatenated (270 channels), intermediate predictions of every task (two
# bottleneck blocks to 256 channels and a 1x1 conv, supervised as
# '<task>.<term>_initial'), attention-guided multi-modal distillation (the
# paper's gate from the receiving task), two bottlenecks and a 1x1 conv per
# task for the final predictions ('<task>.<term>'). `tasks` come from the
# benchmark base; auxiliary-only tasks go in `auxiliary_tasks`.
data_preprocessor = dict(
    type='MultiTaskDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True)
model = dict(
    type='PADNet',
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
    channels=256,
    block='bottleneck',
    distillation=dict(attention='target'),
    shared='backbone',  # what gradient rules differentiate against
    weighter=dict(type='StaticWeighting'))
# Other backbones a setting merges into `model` (their last map):
hrnet48 = dict(backbone=dict(model_name='hrnet_w48'))
# the same HRNet-W18 from mmpretrain (its channels are not read from timm)
hrnet18_mmpretrain = dict(
    backbone=dict(_delete_=True, type='mmpretrain.HRNet', arch='w18'),
    in_channels=(18, 36, 72, 144))
timm_last_map = dict(
    _delete_=True,
    type='mmpretrain.TIMMBackbone',
    features_only=True,
    pretrained=False,
    out_indices=(4, ))
# the dilated ResNet-50 of the paper: its stride-8 map (2048 channels)
resnet50_dilated = dict(
    backbone=dict(timm_last_map, model_name='resnet50', output_stride=8))
mobilenetv2 = dict(
    backbone=dict(timm_last_map, model_name='mobilenetv2_100'))
pnasnet = dict(
    backbone=dict(timm_last_map, model_name='pnasnet5large'),
    data_preprocessor=dict(mean=[127.5] * 3, std=[127.5] * 3))
