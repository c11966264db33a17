# FAMO with the paper's defaults (logit learning rate 0.025).
weighter = dict(type='FAMO')
