# Monodepth (ResNet50) as the CoV-Weighting supplement trains it on KITTI:
# disparities at a single (full) scale, following Godard et al.'s ablation,
# and two more 3x3 conv + BN + ELU layers before the head "for consistency
# with the multi-task methods": 4 terms x left/right = 8 losses.
_base_ = ['./monodepth_r50.py']
model = dict(
    decode_head=dict(num_scales=1, num_extra_convs=2),
    loss=dict(num_scales=1))
