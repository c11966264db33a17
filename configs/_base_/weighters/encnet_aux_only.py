# A single-loss EncNet baseline (CoV-Weighting paper, Table 6): the
# auxiliary FCN cross-entropy alone; the other two losses are computed and
# logged but weighted 0 (the pixel head is then untrained).
weighter = dict(
    type='StaticWeighting',
    weights={'decode.loss_ce': 0.0, 'decode.loss_se': 0.0,
             'aux.loss_ce': 1.0})
