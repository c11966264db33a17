"""Metrics and pure metric functions of mtlw."""
from . import functional  # noqa: F401
from .metrics import (PerImageDepthMetric, MultiTaskMetric, NormalMetric,
                      TaskErrorMetric)

__all__ = [
    'PerImageDepthMetric', 'MultiTaskMetric', 'NormalMetric', 'TaskErrorMetric'
]
