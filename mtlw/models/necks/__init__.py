"""Modules that exchange features between task columns or branches."""
from .cross_stitch import CrossStitch, cross_stitch
from .cross_task_distillation import CrossTaskDistillation
from .lateral_sharing_unit import LateralSharingUnit
from .nddr import NDDRLayer
from .task_attention import TaskAttention

__all__ = [
    'CrossStitch', 'CrossTaskDistillation', 'LateralSharingUnit',
    'NDDRLayer', 'TaskAttention', 'cross_stitch'
]
