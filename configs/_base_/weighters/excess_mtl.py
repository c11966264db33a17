# ExcessMTL: weights by the excess risks estimated from the gradients of the
# shared parameters (the model's shared=...).
weighter = dict(type='ExcessMTL', robust_step_size=1e-2, mode='params')
