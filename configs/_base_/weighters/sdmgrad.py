# SDMGrad: direction-oriented weights from the gradients of two independent
# sub-batches (each batch is split into three: batch size >= 3 per GPU).
weighter = dict(type='SDMGrad', lamda=0.3, niter=20, mode='params')
