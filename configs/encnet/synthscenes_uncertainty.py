# EncNet (MobileNetV2) on SynthScenes, Uncertainty Weighting in the CoV
# authors' form (exp(-s) L + s).
_base_ = [
    '../_base_/models/encnet_mobilenetv2.py',
    '../_base_/datasets/synthscenes_seg.py',
    '../_base_/schedules/synthetic_cpu.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/uncertainty.py',
]
model = dict(
    weighter=dict(_base_.weighter, num_losses=3, variant='cov_code'))
