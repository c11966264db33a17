# EncNet (MobileNetV2) on SynthScenes, the EncNet paper's hand-tuned weights
# CE 1.0, SE 0.2, AUX 0.2 normalised to sum 1.
_base_ = [
    '../_base_/models/encnet_mobilenetv2.py',
    '../_base_/datasets/synthscenes_seg.py',
    '../_base_/schedules/synthetic_cpu.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/encnet_handtuned.py',
]
model = dict(weighter=_base_.weighter)
