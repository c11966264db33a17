# EncNet's hand-tuned weights as Zhang et al. ("Context Encoding for Semantic
# Segmentation", CVPR 2018) train it: pixel CE 1.0, SE 0.2, auxiliary FCN CE
# 0.2, normalised to sum 1 as in the CoV-Weighting paper.
weighter = dict(
    type='StaticWeighting',
    weights={'decode.loss_ce': 1.0, 'decode.loss_se': 0.2,
             'aux.loss_ce': 0.2},
    normalize=True)
