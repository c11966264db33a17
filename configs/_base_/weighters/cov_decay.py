# CoV-Weighting with decaying statistics: mean factor 1 - 1/t with t = 20,
# the shortest memory of the paper's Table 2.
weighter = dict(type='CoVWeighting', mean_decay=0.95)
