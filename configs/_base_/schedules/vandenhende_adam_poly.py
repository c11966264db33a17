# Vandenhende et al.'s training on NYUD-v2 and PASCAL-Context
# (Multi-Task-Learning-PyTorch configs/*.yml): Adam, lr 1e-4, weight decay
# 1e-4, poly decay (power 0.9) per epoch over 100 epochs; evaluation at the
# end (every 10 epochs here).
_base_ = ['./libmtl_adam_step.py']
optim_wrapper = dict(optimizer=dict(weight_decay=1e-4))
param_scheduler = [
    dict(type='PolyLR', power=0.9, eta_min=0.0, begin=0, end=100,
         by_epoch=True)
]
train_cfg = dict(max_epochs=100)
