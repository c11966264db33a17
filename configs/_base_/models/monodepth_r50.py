# Monodepth (Godard et al. 2017) as in the CoV-Weighting paper: ResNet50
# encoder, upsampling decoder with BN + ELU and skips, 0.3 * sigmoid
# left/right disparity heads at 4 scales, 32 unweighted losses. The encoder
# is trained from scratch: the paper and its supplement name no pre-training
# for depth (only the EncNet encoder is "pre-trained on ImageNet"), and the
# authors' code builds its ResNet50 layer by layer with no weights to load.
# Set model.backbone.pretrained=True to start from timm's ImageNet weights.
model = dict(
    type='StereoDepthEstimator',
    data_preprocessor=dict(type='StereoDataPreprocessor', bgr_to_rgb=True),
    backbone=dict(
        type='TimmEncoder',
        model_name='resnet50',
        pretrained=False),
    decode_head=dict(
        type='DisparityDecoder',
        in_channels=[64, 256, 512, 1024, 2048],
        channels=[256, 128, 64, 32, 16],
        num_scales=4),
    loss=dict(type='MonodepthLoss', num_scales=4, padding_mode='zeros'),
    post_process=True,
    weighter=dict(type='StaticWeighting'))
