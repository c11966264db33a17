# The mixture-of-experts nets for dense prediction as LibMTL adapts them
# (MMoE; CGC, PLE, DSelect-k set `type`): every expert an ImageNet-pretrained
# timm ResNet-50 (the last, stride-32 map), each task's gate reading the
# flattened input image, one TwelveConvDecoder per task. LibMTL's NYUv2 /
# Cityscapes setting, which the benchmark configs (configs/
# mixture_of_experts/<benchmark>_*.py) set, uses torchvision's ResNet-50
# dilated to stride 8 and a DeepLabV3 (ASPP) head per task instead.
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
