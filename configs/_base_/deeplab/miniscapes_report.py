# The starting point of Argenziano and Pagani, "Multi-Task Learning for
# Semantics and Depth" (course report, 2022, sections 1.1 and 4.2): the
# Miniscapes setting with the report's default depth loss and normalisation,
# L2 on standardised depth. The mean (27.0727 m) and standard deviation
# (29.1264 m) are the Miniscapes depth statistics of the course code the
# report ran. Leaves of configs/deeplab/miniscapes_*_report_*.py set the
# network and change one thing at a time (tools/generate_configs.py).
_base_ = ['./miniscapes.py']
model = dict(
    tasks=dict(depth=dict(loss=dict(penalty='l2'))),
    depth_normalization=dict(
        _delete_=True, type='DepthNormalization', method='standard',
        mean=27.0727, std=29.1264))
