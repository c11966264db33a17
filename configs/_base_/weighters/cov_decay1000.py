# CoV-Weighting with decaying statistics over t = 1000 steps (the paper's
# Table 2): mean factor 1 - 1/t.
weighter = dict(type='CoVWeighting', mean_decay=0.999)
