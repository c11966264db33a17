"""mtlw: loss weighting for multi-loss and multi-task dense prediction.

Importing mtlw first makes the OpenMMLab stack work on current PyTorch
(:mod:`mtlw.compat`), then registers every component.
"""
from . import compat  # noqa: F401  (must come first)
from . import (datasets, engine, evaluation, models,  # noqa: F401
               structures, utils, visualization, weighting)
from .registry import WEIGHTERS
from .version import __version__

__all__ = ['WEIGHTERS', '__version__']
