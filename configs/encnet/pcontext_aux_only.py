# EncNet R50-D8 on PASCAL Context 59, the auxiliary FCN cross-entropy alone
# (CoV-Weighting paper, Table 6).
_base_ = [
    '../_base_/models/encnet_r50-d8.py',
    '../_base_/datasets/pascal_context_59.py',
    '../_base_/schedules/pcontext_40e.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/encnet_aux_only.py',
]
model = dict(weighter=_base_.weighter)
