from .hooks import WeighterRuntimeHook, WeightLoggerHook

__all__ = ['WeighterRuntimeHook', 'WeightLoggerHook']
