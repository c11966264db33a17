# EncNet (Zhang et al. 2018) on a timm MobileNetV2, for SynthScenes and CPUs.
# Its three losses (pixel CE, SE, auxiliary CE) are returned unweighted
# (loss_weight=1.0); `weighter` combines them.
norm_cfg = dict(type='BN', requires_grad=True)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
    size_divisor=32)  # training batches are padded (mmseg requires a rule)
model = dict(
    type='WeightedEncoderDecoder',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='TimmEncoder',
        model_name='mobilenetv2_100',
        pretrained=False,  # SynthScenes: random initialisation
        out_indices=(1, 2, 3, 4)),
    decode_head=dict(
        type='ArgmaxEncHead',  # mmseg's EncHead, acc_seg by argmax
        in_channels=[32, 96, 320],
        in_index=(1, 2, 3),
        channels=64,
        num_codes=32,
        use_se_loss=True,
        add_lateral=False,
        dropout_ratio=0.1,
        num_classes=6,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
        loss_se_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=True, loss_weight=1.0)),
    auxiliary_head=dict(
        type='ArgmaxFCNHead',  # mmseg's FCNHead, acc_seg by argmax
        in_channels=96,
        in_index=2,
        channels=32,
        num_convs=1,
        concat_input=False,
        dropout_ratio=0.1,
        num_classes=6,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    weighter=dict(type='StaticWeighting'),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
