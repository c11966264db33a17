# Synergy network of Jiao et al., "Look Deeper into Depth" (ECCV 2018,
# supplementary Table 3): shared ResNet50 encoder (its
# stride-32 map), conv2 to 1024 channels, depth and semantic branches of four
# up-convs (512, 256, 128, 64) with lateral sharing units after the first
# three and up-skips summed before the output convs. `split` > 0 gives the
# branch-out variants S1 .. S1-5 (Table 2). Losses (the attention-driven
# loss of the main paper): L_DA + L_JG on depth in metres, the semantic focal
# loss; setting bases build `tasks` from these two pieces.
data_preprocessor = dict(
    type='MultiTaskDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True)
depth_task = dict(
    channels=1,
    loss=dict(
        type='CombinedLoss',
        losses=[dict(type='DepthAwareLoss'),
                dict(type='JointGradientLoss')]))
seg_loss = dict(type='SoftmaxFocalLoss', gamma=2.0)
model = dict(
    type='SynergyNet',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='TimmEncoder',
        model_name='resnet50',
        pretrained=True,  # ImageNet weights (docs/get_started.md)
        out_indices=(4, )),
    channels=(1024, 512, 256, 128, 64),
    split=0,
    lateral=True,
    shared='backbone')  # what GradNorm / MGDA differentiate against
