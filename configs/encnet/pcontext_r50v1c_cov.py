# EncNet on PASCAL Context 59 with CoV-Weighting, on mmseg's ResNetV1c-50
# backbone (dilated to output stride 8) instead of timm's ResNet50.
_base_ = [
    '../_base_/models/encnet_r50v1c-d8.py',
    '../_base_/datasets/pascal_context_59.py',
    '../_base_/schedules/pcontext_40e.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/cov.py',
]
model = dict(weighter=_base_.weighter)
