# Small monodepth (ResNet18) on SynthScenes stereo (twin of
# kitti_uncertainty.py): Uncertainty Weighting in the CoV authors' form.
_base_ = [
    '../_base_/models/monodepth_r18_tiny.py',
    '../_base_/datasets/synthscenes_stereo.py',
    '../_base_/schedules/monodepth_synthetic_cpu.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/uncertainty.py',
]
model = dict(
    weighter=dict(_base_.weighter, num_losses=32, variant='cov_code'))
