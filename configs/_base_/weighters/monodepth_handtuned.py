# Monodepth's hand-tuned weights (Godard et al. 2017): image loss 0.85 SSIM +
# 0.15 L1, left-right consistency 1.0, disparity smoothness 0.1 (its 1 / 2^s
# per scale is inside MonodepthLoss), for all 4 scales and both views,
# normalised to sum 1 as in the CoV-Weighting paper.
_term_weights = dict(l1=0.15, ssim=0.85, lr=1.0, smooth=0.1)
weighter = dict(
    type='StaticWeighting',
    weights={
        f'depth.loss_{term}_s{scale}_{side}': weight
        for term, weight in _term_weights.items() for scale in range(4)
        for side in 'lr'
    },
    normalize=True)
