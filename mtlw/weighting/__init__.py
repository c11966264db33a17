from .aligned_mtl import AlignedMTL
from .base import (BaseWeighter, NonFiniteLossError, WeighterStateError,
                   all_reduce_mean, decode_names, encode_names)
from .cagrad import CAGrad
from .cov_weighting import CoVWeighting
from .dwa import DWA
from .famo import FAMO
from .gls import GLS
from .grad_norm import GradNorm
from .gradient_weighter import (GradientStep, GradientWeighter,
                                effective_scales)
from .hierarchical_weighting import HierarchicalWeighting
from .loss_scale_balancing import LossScaleBalancing
from .mgda import MGDA
from .modo import MoDo
from .partial_labels import LABELLED, present_terms
from .periodic import PeriodicWeighter
from .rlw import RLW
from .sdmgrad import SDMGrad
from .static_weighting import StaticWeighting
from .stch import STCH
from .uncertainty_weighting import UncertaintyWeighting
from .upgrad import UPGrad
from .utils.active_set import exact_min_norm, nonnegative_qp
from .utils.min_norm_solver import min_norm_solver
from .weighted_model import (WeightedLossMixin, get_weighter, reduce_loss_dict,
                             with_weighter)

__all__ = [
    'LABELLED', 'present_terms',
    'GradNorm', 'GradientStep', 'GradientWeighter', 'MGDA',
    'effective_scales', 'min_norm_solver', 'exact_min_norm',
    'nonnegative_qp', 'AlignedMTL', 'CAGrad', 'UPGrad',
    'BaseWeighter', 'NonFiniteLossError', 'WeighterStateError',
    'all_reduce_mean', 'decode_names', 'encode_names',
    'StaticWeighting', 'WeightedLossMixin', 'get_weighter',
    'reduce_loss_dict', 'with_weighter', 'CoVWeighting', 'DWA', 'FAMO',
    'GLS', 'HierarchicalWeighting', 'LossScaleBalancing', 'PeriodicWeighter',
    'MoDo', 'RLW', 'SDMGrad', 'STCH', 'UncertaintyWeighting'
]
