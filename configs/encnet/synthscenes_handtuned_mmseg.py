# EncNet (MobileNetV2) on SynthScenes, mmseg's hand-tuned weights CE 1.0,
# SE 0.2, AUX 0.4 normalised to sum 1.
_base_ = [
    '../_base_/models/encnet_mobilenetv2.py',
    '../_base_/datasets/synthscenes_seg.py',
    '../_base_/schedules/synthetic_cpu.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/encnet_handtuned_mmseg.py',
]
model = dict(weighter=_base_.weighter)
