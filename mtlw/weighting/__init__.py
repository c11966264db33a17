from .base import (BaseWeighter, NonFiniteLossError, WeighterStateError,
                   all_reduce_mean, decode_names, encode_names)
from .cov_weighting import CoVWeighting
from .dbmtl import DBMTL
from .dwa import DWA
from .excess_mtl import ExcessMTL
from .famo import FAMO
from .gls import GLS
from .grad_norm import GradNorm
from .gradient_weighter import (GradientStep, GradientWeighter,
                                effective_scales)
from .hierarchical_weighting import HierarchicalWeighting
from .imtl import IMTL
from .loss_scale_balancing import LossScaleBalancing
from .mgda import MGDA
from .moco import MoCo
from .partial_labels import LABELLED, present_terms
from .periodic import PeriodicWeighter
from .rlw import RLW
from .static_weighting import StaticWeighting
from .uncertainty_weighting import UncertaintyWeighting
from .utils.min_norm_solver import min_norm_solver
from .weighted_model import (WeightedLossMixin, get_weighter, reduce_loss_dict,
                             with_weighter)

__all__ = [
    'LABELLED', 'present_terms',
    'DBMTL', 'ExcessMTL', 'GradNorm', 'GradientStep', 'GradientWeighter',
    'IMTL', 'MGDA', 'MoCo',
    'effective_scales', 'min_norm_solver',
    'BaseWeighter', 'NonFiniteLossError', 'WeighterStateError',
    'all_reduce_mean', 'decode_names', 'encode_names',
    'StaticWeighting', 'WeightedLossMixin', 'get_weighter',
    'reduce_loss_dict', 'with_weighter', 'CoVWeighting', 'DWA', 'FAMO',
    'GLS', 'HierarchicalWeighting', 'LossScaleBalancing', 'PeriodicWeighter',
    'RLW', 'UncertaintyWeighting'
]
