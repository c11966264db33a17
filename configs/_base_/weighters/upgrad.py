# UPGrad: the mean of the loss gradients on the shared parameters projected
# onto their dual cone (needs the model's shared=...).
weighter = dict(type='UPGrad', mode='params')
