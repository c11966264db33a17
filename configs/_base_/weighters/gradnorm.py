# GradNorm with alpha = 1.5 (the CoV-Weighting paper's choice); the model
# names the shared layer (shared=...).
weighter = dict(type='GradNorm', alpha=1.5)
