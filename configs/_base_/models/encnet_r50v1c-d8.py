# EncNet of ./encnet_r50-d8.py on mmseg's ResNetV1c-50 (deep stem) instead of
# timm's ResNet50, dilated the same way (output stride 8), as mmseg's own
# EncNet configs build it. It starts from OpenMMLab's ImageNet weights
# (mmseg's open-mmlab://resnet50_v1c), fetched on first use; offline, set
#   model.backbone.checkpoint=checkpoints/resnet50_v1c-2cccc1ad.pth
_base_ = './encnet_r50-d8.py'
model = dict(
    backbone=dict(
        _delete_=True,
        type='ResNetV1cEncoder',  # mmseg's ResNetV1c + pretrained/checkpoint
        pretrained=True,
        depth=50,
        num_stages=4,
        out_indices=(0, 1, 2, 3),
        dilations=(1, 1, 2, 4),
        strides=(1, 2, 1, 1),
        norm_cfg=_base_.norm_cfg,
        norm_eval=False,
        style='pytorch',
        contract_dilation=True))
