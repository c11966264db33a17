# Loss Scale Balancing, equal priorities, beta rising 0.02 per period (one
# epoch).
weighter = dict(type='LossScaleBalancing', beta_rate=0.02)
