"""Modules that exchange features between task columns or branches."""
from .cross_stitch import CrossStitch, cross_stitch
from .cross_task_distillation import CrossTaskDistillation
from .feature_propagation import FeaturePropagation
from .lateral_sharing_unit import LateralSharingUnit

__all__ = [
    'CrossStitch', 'CrossTaskDistillation', 'FeaturePropagation',
    'LateralSharingUnit',
    'cross_stitch'
]
