# CAGrad: the best worst-loss improvement near the mean gradient of the
# shared parameters (needs the model's shared=...).
weighter = dict(type='CAGrad', mode='params')
