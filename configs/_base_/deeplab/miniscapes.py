# DeepLabV3+ of Argenziano and Pagani, "Multi-Task Learning for Semantics and
# Depth" (course report, 2022): ResNet34, dilated; ASPP 3/6/9; decoder
# 256 / 48; on Miniscapes, Adam 1e-4, 16 epochs. Leaves set the architecture
# (`type`) and the weighter; `_base_.se_resnet50` holds the report's best
# encoder.
_base_ = [
    '../models/deeplab_v3plus_r34.py',
    '../datasets/miniscapes.py',
    '../schedules/deeplab_adam.py',
    '../default_runtime.py',
]
model = dict(
    tasks=_base_.tasks,
    depth_normalization=_base_.depth_normalization)
