# The SynthScenes twin of `miniscapes_report.py`: the CPU setting with the
# report's L2 depth loss on standardised depth (the SynthScenes statistics
# of `_base_/datasets/synthscenes_depth_seg.py`).
_base_ = ['./synthscenes.py']
model = dict(tasks=dict(depth=dict(loss=dict(penalty='l2'))))
