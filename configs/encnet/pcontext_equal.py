# EncNet R50-D8 on PASCAL Context 59, static equal weights (1/3 each).
_base_ = [
    '../_base_/models/encnet_r50-d8.py',
    '../_base_/datasets/pascal_context_59.py',
    '../_base_/schedules/pcontext_40e.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/equal.py',
]
model = dict(weighter=_base_.weighter)
