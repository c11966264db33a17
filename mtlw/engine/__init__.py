from .hooks import (RNGStateHook, WeighterCheckpointHook,
                    WeighterRuntimeHook, WeightLoggerHook)

__all__ = [
    'RNGStateHook', 'WeighterCheckpointHook', 'WeighterRuntimeHook',
    'WeightLoggerHook'
]
