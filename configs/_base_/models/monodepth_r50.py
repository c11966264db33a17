# Monodepth (Godard et al. 2017) as in the CoV-Weighting paper: ResNet50
# encoder (from scratch), upsampling decoder with BN + ELU and skips,
# 0.3 * sigmoid left/right disparity heads at 4 scales, 32 unweighted losses.
model = dict(
    type='StereoDepthEstimator',
    data_preprocessor=dict(type='StereoDataPreprocessor', bgr_to_rgb=True),
    backbone=dict(
        type='mmpretrain.TIMMBackbone',
        model_name='resnet50',
        features_only=True,
        pretrained=False),
    decode_head=dict(
        type='DisparityDecoder',
        in_channels=[64, 256, 512, 1024, 2048],
        channels=[256, 128, 64, 32, 16],
        num_scales=4),
    loss=dict(type='MonodepthLoss', num_scales=4, padding_mode='zeros'),
    post_process=True,
    weighter=dict(type='StaticWeighting'))
