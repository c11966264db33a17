from .hooks import (MultiTaskVisualizationHook, RNGStateHook,
                    WeighterCheckpointHook, WeighterRuntimeHook,
                    WeightLoggerHook)

__all__ = [
    'MultiTaskVisualizationHook', 'RNGStateHook', 'WeighterCheckpointHook',
    'WeighterRuntimeHook', 'WeightLoggerHook'
]
