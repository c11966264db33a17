# The mixture-of-experts nets for dense prediction as LibMTL adapts them
# (MMoE; CGC, PLE, DSelect-k set `type`): every expert an ImageNet-pretrained
# timm ResNet-50 (the last, stride-32 map), each task's gate reading the
# flattened input image, one TwelveConvDecoder per task. LibMTL's NYUv2 setting uses a dilated
# ResNet-50 and a DeepLab (ASPP) head per task instead of this decoder.
# The leaf sets `tasks` and `img_size` (the gates' input size).
data_preprocessor = dict(
    type='MultiTaskDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True)
model = dict(
    type='MMoE',
    data_preprocessor=data_preprocessor,
    backbone=dict(type='TimmEncoder', model_name='resnet50', pretrained=True),
    decoder=dict(type='TwelveConvDecoder', in_channels=2048),
    shared='experts')  # gradient rules: mode='params'
