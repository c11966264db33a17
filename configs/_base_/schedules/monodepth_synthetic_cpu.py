# The SynthScenes CPU schedule with Adam, as monodepth trains (a larger
# learning rate than the paper's 1e-4 for a few hundred iterations).
_base_ = ['./synthetic_cpu.py']
optim_wrapper = dict(
    optimizer=dict(_delete_=True, type='Adam', fused=True, lr=1e-3))
param_scheduler = []
