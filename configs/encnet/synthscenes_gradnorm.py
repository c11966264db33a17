# EncNet (MobileNetV2) on SynthScenes, GradNorm on the last convolution weight
# (conv_pwl) of the last block of the stride-16 stage, the deepest layer all
# three losses share; weights sum to 1.
_base_ = [
    '../_base_/models/encnet_mobilenetv2.py',
    '../_base_/datasets/synthscenes_seg.py',
    '../_base_/schedules/synthetic_cpu.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/gradnorm.py',
]
model = dict(
    weighter=dict(
        _base_.weighter, normalize_to='one',
        param_names=('conv_pwl.weight', )),
    shared='backbone.timm_model.blocks.4.2')
