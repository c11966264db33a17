# Aligned-MTL: the loss gradients on the shared parameters made orthogonal
# with equal norms, then summed (needs the model's shared=...).
weighter = dict(type='AlignedMTL', mode='params')
