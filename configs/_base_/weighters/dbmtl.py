# DB-MTL: log losses; EMA of each loss's gradient on the shared parameters
# (the model's shared=...), all rescaled to the largest norm.
weighter = dict(type='DBMTL', beta=0.9, beta_sigma=0.0, mode='params')
