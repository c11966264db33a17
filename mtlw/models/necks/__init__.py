"""Modules that exchange features between task columns or branches, and
the gates that mix experts."""
from .cross_stitch import CrossStitch, cross_stitch
from .cross_task_distillation import CrossTaskDistillation
from .dselect_gate import DSelectGate
from .feature_propagation import FeaturePropagation
from .lateral_sharing_unit import LateralSharingUnit
from .softmax_gate import SoftmaxGate

__all__ = [
    'CrossStitch', 'CrossTaskDistillation', 'DSelectGate',
    'FeaturePropagation', 'LateralSharingUnit', 'SoftmaxGate',
    'cross_stitch'
]
