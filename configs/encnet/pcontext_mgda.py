# EncNet R50-D8 on PASCAL Context 59, MGDA-UB on the backbone's outputs.
_base_ = [
    '../_base_/models/encnet_r50-d8.py',
    '../_base_/datasets/pascal_context_59.py',
    '../_base_/schedules/pcontext_40e.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/mgda.py',
]
model = dict(weighter=_base_.weighter, shared='backbone')
