# A single-loss monodepth baseline (CoV-Weighting paper, Tables 3-4): only
# the left-right consistency (LR) terms, at all 4 scales and both views, weight
# 1/8 each; the other 24 losses are computed and logged but weighted 0.
weighter = dict(
    type='StaticWeighting',
    weights={
        f'depth.loss_{term}_s{scale}_{side}': float(term == 'lr')
        for term in ('l1', 'ssim', 'lr', 'smooth') for scale in range(4)
        for side in 'lr'
    },
    normalize=True)
