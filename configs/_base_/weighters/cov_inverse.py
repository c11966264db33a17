# CoV-Weighting variant of the paper's Table 7: inverse weighting of the loss
# ratios, w ~ mu_l / sigma_l.
weighter = dict(type='CoVWeighting', inverse=True)
