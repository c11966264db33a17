# PASCAL Context with 59 classes (background ignored: reduce_zero_label), in
# mmseg's layout (docs/encnet.md says how to get and arrange it):
#   data/VOCdevkit/VOC2010/JPEGImages/<id>.jpg
#   data/VOCdevkit/VOC2010/SegmentationClassContext/<id>.png
#   data/VOCdevkit/VOC2010/ImageSets/SegmentationContext/{train,val}.txt
# Training crops are 384x384 as in the CoV-Weighting paper; the scale range
# (base size 520, ratio 0.5-2.0), flip and photometric jitter are those of
# EncNet's and mmseg's code, which the paper does not restate. The Checked
# loaders are mmcv's and mmseg's, refusing empty, undecodable or wrongly
# sized files with an error that names them.
dataset_type = 'PascalContext59Dataset'
data_root = 'data/VOCdevkit/VOC2010/'
img_scale = (520, 520)
crop_size = (384, 384)
train_pipeline = [
    dict(type='CheckedLoadImageFromFile'),
    dict(type='CheckedLoadAnnotations', reduce_zero_label=True,
         num_classes=59),
    dict(type='RandomResize', scale=img_scale, ratio_range=(0.5, 2.0),
         keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='CheckedLoadImageFromFile'),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='CheckedLoadAnnotations', reduce_zero_label=True,
         num_classes=59),
    dict(type='PackSegInputs'),
]
data_prefix = dict(
    img_path='JPEGImages', seg_map_path='SegmentationClassContext')
train_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=data_prefix,
        ann_file='ImageSets/SegmentationContext/train.txt',
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=data_prefix,
        ann_file='ImageSets/SegmentationContext/val.txt',
        pipeline=test_pipeline))
test_dataloader = val_dataloader
# Pixel accuracy (aAcc) and mIoU over the 59 classes; background (label 0,
# 255 after reduce_zero_label) is ignored.
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
