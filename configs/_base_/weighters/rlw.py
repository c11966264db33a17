# Random Loss Weighting: softmax of standard normal logits at every step.
weighter = dict(type='RLW')
