# EncNet R50-D8 on PASCAL Context 59, Uncertainty Weighting in the CoV
# authors' form (exp(-s) L + s).
_base_ = [
    '../_base_/models/encnet_r50-d8.py',
    '../_base_/datasets/pascal_context_59.py',
    '../_base_/schedules/pcontext_40e.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/uncertainty.py',
]
model = dict(
    weighter=dict(_base_.weighter, num_losses=3, variant='cov_code'))
