# EncNet (MobileNetV2) on SynthScenes trained on the pixel cross-entropy alone:
# no SE branch and no auxiliary head.
_base_ = [
    '../_base_/models/encnet_mobilenetv2.py',
    '../_base_/datasets/synthscenes_seg.py',
    '../_base_/schedules/synthetic_cpu.py',
    '../_base_/default_runtime.py',
]
model = dict(
    decode_head=dict(type='CEOnlyEncHead', use_se_loss=False),
    auxiliary_head=None)
