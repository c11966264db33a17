# EncNet (Zhang et al., CVPR 2018) as in the CoV-Weighting paper's PASCAL
# Context study: timm ResNet50 dilated to output stride 8 (layers 3 and 4),
# EncHead (Context Encoding module, K = 32 codewords, SE loss) on layer 4 and
# an FCN auxiliary head on layer 3. The three losses `decode.loss_ce`,
# `decode.loss_se` and `aux.loss_ce` are returned unweighted
# (loss_weight=1.0); `weighter` combines them.
# The encoder starts from timm's ImageNet weights of resnet50, as the paper
# pre-trains it (CoV supplement section 1.2), fetched on first use; offline,
#   --cfg-options model.backbone.checkpoint=checkpoints/resnet50.safetensors
# (see docs/get_started.md, "Pretrained weights").
norm_cfg = dict(type='BN', requires_grad=True)
num_classes = 59
# `size` pads training crops smaller than the dataset's crop_size (384x384).
data_preprocessor = dict(
    type='SegDataPreProcessor',
    size=(384, 384),
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255)
model = dict(
    type='WeightedEncoderDecoder',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='TimmEncoder',
        model_name='resnet50',
        output_stride=8,
        out_indices=(1, 2, 3, 4),
        pretrained=True),
    decode_head=dict(
        type='ArgmaxEncHead',  # mmseg's EncHead, acc_seg by argmax
        in_channels=[512, 1024, 2048],
        in_index=(1, 2, 3),
        channels=512,
        num_codes=32,
        use_se_loss=True,
        add_lateral=False,
        dropout_ratio=0.1,
        num_classes=num_classes,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, avg_non_ignore=True,
            loss_weight=1.0),
        loss_se_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=True, loss_weight=1.0)),
    auxiliary_head=dict(
        type='ArgmaxFCNHead',  # mmseg's FCNHead, acc_seg by argmax
        in_channels=1024,
        in_index=2,
        channels=256,
        num_convs=1,
        concat_input=False,
        dropout_ratio=0.1,
        num_classes=num_classes,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, avg_non_ignore=True,
            loss_weight=1.0)),
    weighter=dict(type='StaticWeighting'),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
