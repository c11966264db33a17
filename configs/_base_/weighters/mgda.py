# MGDA-UB: min-norm weights from the gradients at the shared representation
# (the model's shared=... module output).
weighter = dict(type='MGDA', mode='representation')
