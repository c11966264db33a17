"""Data descriptions shared by models, datasets and metrics."""
from .dense_task_fields import KINDS, KNOWN_KINDS, default_kind, task_fields

__all__ = ['KINDS', 'KNOWN_KINDS', 'default_kind', 'task_fields']
