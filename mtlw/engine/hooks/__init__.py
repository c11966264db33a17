from .multitask_visualization_hook import MultiTaskVisualizationHook
from .rng_state_hook import RNGStateHook
from .sync_free_runtime_info_hook import SyncFreeRuntimeInfoHook
from .weight_logger_hook import WeightLoggerHook
from .weighter_checkpoint_hook import WeighterCheckpointHook
from .weighter_runtime_hook import WeighterRuntimeHook

__all__ = [
    'MultiTaskVisualizationHook', 'RNGStateHook', 'SyncFreeRuntimeInfoHook',
    'WeightLoggerHook', 'WeighterCheckpointHook', 'WeighterRuntimeHook'
]
