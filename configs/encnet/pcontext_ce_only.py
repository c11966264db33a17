# EncNet R50-D8 on PASCAL Context 59 trained on the pixel cross-entropy alone,
# the paper's single-loss baseline: no SE branch and no auxiliary head, so
# nothing else is computed.
_base_ = [
    '../_base_/models/encnet_r50-d8.py',
    '../_base_/datasets/pascal_context_59.py',
    '../_base_/schedules/pcontext_40e.py',
    '../_base_/default_runtime.py',
]
model = dict(
    decode_head=dict(type='CEOnlyEncHead', use_se_loss=False),
    auxiliary_head=None)
