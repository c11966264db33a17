from .multitask_visualization_hook import MultiTaskVisualizationHook
from .weight_logger_hook import WeightLoggerHook
from .weighter_runtime_hook import WeighterRuntimeHook

__all__ = [
    'MultiTaskVisualizationHook', 'WeightLoggerHook', 'WeighterRuntimeHook'
]
