"""Modules that exchange features between task columns or branches, and
the gates that mix experts."""
from .cross_stitch import CrossStitch, cross_stitch
from .cross_task_distillation import CrossTaskDistillation
from .dselect_gate import DSelectGate
from .feature_propagation import FeaturePropagation
from .lateral_sharing_unit import LateralSharingUnit
from .nddr import NDDRLayer
from .softmax_gate import SoftmaxGate
from .task_attention import TaskAttention

__all__ = [
    'CrossStitch', 'CrossTaskDistillation', 'DSelectGate',
    'FeaturePropagation', 'LateralSharingUnit', 'NDDRLayer', 'SoftmaxGate',
    'TaskAttention', 'cross_stitch'
]
