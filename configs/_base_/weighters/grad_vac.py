# GradVac: each task's gradient on the shared parameters (the model's
# shared=...) moved towards its running target similarity to the others.
weighter = dict(type='GradVac', beta=0.5, group='whole', mode='params')
