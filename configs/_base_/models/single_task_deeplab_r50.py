# The single-task baseline network of the multi-task benchmarks (Delta_m):
# one DeepLabV3+ per task on a dilated ResNet-50 (output stride 8, ASPP
# rates 12 / 24 / 36), close to LibMTL's single-task DeepLabV3 head on
# `resnet_dilated('resnet50')` (which has no stride-4 decoder). Benchmarks
# leaves set `tasks` to one task of the benchmark base; static weighting
# (the plain loss).
_base_ = ['./deeplab_v3plus_r34.py']
model = dict(
    type='DeepLabBranched',
    # ImageNet weights as the papers train the single-task nets.
    backbone=dict(model_name='resnet50', output_stride=8, pretrained=True),
    aspp=dict(dilations=(12, 24, 36)),
    shared=None,
    weighter=dict(type='StaticWeighting'))
