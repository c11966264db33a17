# EncNet's hand-tuned weights of mmseg's EncNet configs: pixel CE 1.0, SE 0.2,
# auxiliary FCN CE 0.4, normalised to sum 1 as in the CoV-Weighting paper.
weighter = dict(
    type='StaticWeighting',
    weights={'decode.loss_ce': 1.0, 'decode.loss_se': 0.2,
             'aux.loss_ce': 0.4},
    normalize=True)
