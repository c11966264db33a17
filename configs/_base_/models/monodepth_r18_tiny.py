# A small monodepth for SynthScenes on CPUs: ResNet18 encoder, narrow
# decoder, the same 32 losses.
_base_ = ['./monodepth_r50.py']
model = dict(
    backbone=dict(model_name='resnet18'),
    decode_head=dict(
        in_channels=[64, 64, 128, 256, 512], channels=[64, 32, 32, 16, 16]))
