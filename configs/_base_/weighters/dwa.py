# Dynamic Weight Average, temperature 2, period one epoch.
weighter = dict(type='DWA', temperature=2.0)
