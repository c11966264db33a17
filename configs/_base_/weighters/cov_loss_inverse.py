# CoV-Weighting variant of the paper's Table 7: inverse weighting of the
# losses themselves, w ~ mu_L / sigma_L.
weighter = dict(type='CoVWeighting', statistic='loss', inverse=True)
