"""Metrics and pure metric functions of mtlw."""
from . import functional  # noqa: F401
from .metrics import (DepthMetric, MultiTaskMetric, NormalMetric,
                      TaskErrorMetric)

__all__ = [
    'DepthMetric', 'MultiTaskMetric', 'NormalMetric', 'TaskErrorMetric'
]
