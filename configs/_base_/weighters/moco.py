# MoCo: tracked gradients of the shared parameters (the model's shared=...),
# lambda by a projected step on the simplex.
weighter = dict(
    type='MoCo', beta=0.5, beta_sigma=0.5, gamma=0.1, gamma_sigma=0.5,
    rho=0.0, mode='params')
