# Learning to Branch (Guo et al., ICML 2020) as LibMTL adapts it: one timm
# ResNet-50 column per task, the parent of each column's stage sampled by
# Gumbel-softmax over the previous stage of every column, one
# TwelveConvDecoder per task. The leaf sets `tasks`.
_base_ = './expert_mixture_r50.py'
model = dict(type='LTB', shared='columns')
