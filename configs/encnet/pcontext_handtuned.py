# EncNet R50-D8 on PASCAL Context 59, the EncNet paper's hand-tuned weights
# CE 1.0, SE 0.2, AUX 0.2 normalised to sum 1.
_base_ = [
    '../_base_/models/encnet_r50-d8.py',
    '../_base_/datasets/pascal_context_59.py',
    '../_base_/schedules/pcontext_40e.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/encnet_handtuned.py',
]
model = dict(weighter=_base_.weighter)
