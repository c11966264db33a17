from .base import BaseWeighter, NonFiniteLossError, all_reduce_mean
from .static_weighting import StaticWeighting
from .weighted_model import (WeightedLossMixin, get_weighter,
                             reduce_loss_dict, with_weighter)

__all__ = [
    'BaseWeighter', 'NonFiniteLossError', 'all_reduce_mean',
    'StaticWeighting', 'WeightedLossMixin', 'get_weighter',
    'reduce_loss_dict', 'with_weighter'
]
