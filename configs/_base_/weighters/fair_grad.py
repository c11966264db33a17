# FairGrad: alpha-fair weights (alpha=1: proportional fairness) from the
# gradients at the shared parameters (the model's shared=... module).
weighter = dict(type='FairGrad', mode='params')
