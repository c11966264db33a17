# IMTL hybrid: IMTL-G on the shared representation's gradients of the scaled
# losses, learned log-scales (IMTL-L); family configs add num_losses (K).
weighter = dict(type='IMTL', variant='hybrid', mode='representation')
