# Geometric Loss Strategy: the geometric mean of the losses.
weighter = dict(type='GLS')
