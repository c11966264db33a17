# EncNet (MobileNetV2) on SynthScenes, the semantic-encoding loss alone (twin
# of pcontext_se_only.py).
_base_ = [
    '../_base_/models/encnet_mobilenetv2.py',
    '../_base_/datasets/synthscenes_seg.py',
    '../_base_/schedules/synthetic_cpu.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/encnet_se_only.py',
]
model = dict(weighter=_base_.weighter)
