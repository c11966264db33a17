# PCGrad: each task's gradient on the shared parameters (the model's
# shared=...) projected off the gradients it conflicts with, then summed.
weighter = dict(type='PCGrad', mode='params')
