# CoV-Weighting with the full history of loss statistics (the paper's
# default).
weighter = dict(type='CoVWeighting')
