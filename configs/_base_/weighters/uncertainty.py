# Uncertainty Weighting; every family config adds num_losses (K) and may
# pick the variant ('kendall' or the CoV authors' 'cov_code').
weighter = dict(type='UncertaintyWeighting', variant='kendall')
