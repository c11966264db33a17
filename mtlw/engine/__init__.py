from .hooks import (MultiTaskVisualizationHook, WeighterRuntimeHook,
                    WeightLoggerHook)

__all__ = [
    'MultiTaskVisualizationHook', 'WeighterRuntimeHook', 'WeightLoggerHook'
]
