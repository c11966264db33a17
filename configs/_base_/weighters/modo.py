# MoDo: simplex weights updated from the gradients of two independent
# sub-batches (each batch is split into three: batch size >= 3 per GPU).
weighter = dict(type='MoDo', gamma=1e-3, rho=0.1, mode='params')
