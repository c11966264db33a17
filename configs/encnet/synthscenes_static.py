# EncNet on SynthScenes with the plain sum of its three losses.
_base_ = [
    '../_base_/models/encnet_mobilenetv2.py',
    '../_base_/datasets/synthscenes_seg.py',
    '../_base_/schedules/synthetic_cpu.py',
    '../_base_/default_runtime.py',
]
