# Nash-MTL: Nash bargaining weights from the gradients at the shared
# parameters (the model's shared=... module), shared gradient clipped to 1.
weighter = dict(type='NashMTL', mode='params')
