from .device_scalar_log import DeviceScalarLog
from .hooks import (MultiTaskVisualizationHook, RNGStateHook,
                    SyncFreeRuntimeInfoHook, WeighterCheckpointHook,
                    WeighterRuntimeHook, WeightLoggerHook)
from .last_checkpoint import last_checkpoint_of
from .sync_free_log_processor import SyncFreeLogProcessor
from .sync_free_optim_wrapper import SyncFreeOptimWrapper

__all__ = [
    'DeviceScalarLog', 'MultiTaskVisualizationHook', 'RNGStateHook',
    'SyncFreeLogProcessor', 'SyncFreeOptimWrapper',
    'SyncFreeRuntimeInfoHook', 'WeighterCheckpointHook',
    'WeighterRuntimeHook', 'WeightLoggerHook', 'last_checkpoint_of'
]
