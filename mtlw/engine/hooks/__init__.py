from .multitask_visualization_hook import MultiTaskVisualizationHook
from .rng_state_hook import RNGStateHook
from .weight_logger_hook import WeightLoggerHook
from .weighter_checkpoint_hook import WeighterCheckpointHook
from .weighter_runtime_hook import WeighterRuntimeHook

__all__ = [
    'MultiTaskVisualizationHook', 'RNGStateHook', 'WeightLoggerHook',
    'WeighterCheckpointHook', 'WeighterRuntimeHook'
]
