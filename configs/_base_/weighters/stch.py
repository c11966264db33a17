# Smooth Tchebycheff scalarisation of the log losses after a warm-up of
# 4 epochs plus one nadir epoch (epoch length from the training loop).
weighter = dict(type='STCH', mu=1.0, warmup_epochs=4)
