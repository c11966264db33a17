# EncNet R50-D8 on PASCAL Context 59, GradNorm on the last convolution weight
# (conv3) of the last block of layer 3, the deepest layer all three losses
# share (GradNorm's "last shared layer of weights"); weights sum to 1 as in
# the CoV authors' code.
_base_ = [
    '../_base_/models/encnet_r50-d8.py',
    '../_base_/datasets/pascal_context_59.py',
    '../_base_/schedules/pcontext_40e.py',
    '../_base_/default_runtime.py',
    '../_base_/weighters/gradnorm.py',
]
model = dict(
    weighter=dict(
        _base_.weighter, normalize_to='one', param_names=('conv3.weight', )),
    shared='backbone.timm_model.layer3.5')
