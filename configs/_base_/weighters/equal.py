# Static equal weights 1/K (the CoV-Weighting paper normalises static
# weights to sum 1).
weighter = dict(type='StaticWeighting', normalize=True)
