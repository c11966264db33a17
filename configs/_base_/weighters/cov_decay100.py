# CoV-Weighting with decaying statistics over t = 100 steps (the paper's
# Table 2): mean factor 1 - 1/t.
weighter = dict(type='CoVWeighting', mean_decay=0.99)
