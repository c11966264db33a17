# EncNet (MobileNetV2) on SynthScenes, the auxiliary FCN cross-entropy alone
# (twin of pcontext_aux_only.py).
_base_ = [
    '../_base_/models/encnet_mobilenetv2.py',
    '../_base_/datasets/synthscenes_seg.py',
    '../_base_/schedules/synthetic_cpu.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/encnet_aux_only.py',
]
model = dict(weighter=_base_.weighter)
