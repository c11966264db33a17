# A narrow HRNet (mmseg's HRNet, one block per branch, widths 8 / 16 / 32 /
# 48 at strides 4 .. 32) for the SynthScenes twins of the multi-scale
# networks (MTI-Net, PAD-Net): random init, a minute or two for 120 steps on
# one CPU core. A leaf sets `model.backbone=_base_.hrnet_tiny` and
# `model.in_channels=_base_.hrnet_tiny_channels`.
hrnet_tiny_channels = (8, 16, 32, 48)
hrnet_tiny = dict(
    _delete_=True,
    type='mmseg.HRNet',
    extra=dict(
        stage1=dict(
            num_modules=1, num_branches=1, block='BOTTLENECK',
            num_blocks=(1, ), num_channels=(16, )),
        stage2=dict(
            num_modules=1, num_branches=2, block='BASIC', num_blocks=(1, 1),
            num_channels=hrnet_tiny_channels[:2]),
        stage3=dict(
            num_modules=1, num_branches=3, block='BASIC',
            num_blocks=(1, 1, 1), num_channels=hrnet_tiny_channels[:3]),
        stage4=dict(
            num_modules=1, num_branches=4, block='BASIC',
            num_blocks=(1, 1, 1, 1), num_channels=hrnet_tiny_channels)))
