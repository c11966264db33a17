# CoV-Weighting variant of the paper's Table 7: the mean and standard
# deviation of the losses themselves instead of the loss ratios,
# w ~ sigma_L / mu_L.
weighter = dict(type='CoVWeighting', statistic='loss')
