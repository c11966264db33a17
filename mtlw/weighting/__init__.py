from .aligned_mtl import AlignedMTL
from .base import (BaseWeighter, NonFiniteLossError, WeighterStateError,
                   all_reduce_mean, decode_names, encode_names)
from .cagrad import CAGrad
from .cov_weighting import CoVWeighting
from .dbmtl import DBMTL
from .dwa import DWA
from .excess_mtl import ExcessMTL
from .fair_grad import FairGrad
from .famo import FAMO
from .gls import GLS
from .grad_drop import GradDrop
from .grad_norm import GradNorm
from .grad_vac import GradVac
from .gradient_weighter import (GradientStep, GradientWeighter,
                                effective_scales)
from .hierarchical_weighting import HierarchicalWeighting
from .imtl import IMTL
from .loss_scale_balancing import LossScaleBalancing
from .mgda import MGDA
from .moco import MoCo
from .modo import MoDo
from .nash_mtl import NashMTL
from .partial_labels import LABELLED, present_terms
from .pcgrad import PCGrad
from .periodic import PeriodicWeighter
from .rlw import RLW
from .sdmgrad import SDMGrad
from .static_weighting import StaticWeighting
from .stch import STCH
from .uncertainty_weighting import UncertaintyWeighting
from .upgrad import UPGrad
from .utils.min_norm_solver import min_norm_solver
from .weighted_model import (REGULARIZER_PREFIX, WeightedLossMixin,
                             get_weighter, reduce_loss_dict, with_weighter)

__all__ = [
    # the base classes and the contract
    'BaseWeighter', 'GradientStep', 'GradientWeighter', 'NonFiniteLossError',
    'PeriodicWeighter', 'WeighterStateError', 'all_reduce_mean',
    'decode_names', 'effective_scales', 'encode_names', 'min_norm_solver',
    # loss-only rules
    'CoVWeighting', 'DWA', 'FAMO', 'GLS', 'HierarchicalWeighting',
    'LossScaleBalancing', 'RLW', 'STCH', 'StaticWeighting',
    'UncertaintyWeighting',
    # gradient-based rules
    'AlignedMTL', 'CAGrad', 'DBMTL', 'ExcessMTL', 'FairGrad', 'GradDrop',
    'GradNorm', 'GradVac', 'IMTL', 'MGDA', 'MoCo', 'MoDo', 'NashMTL', 'PCGrad',
    'SDMGrad', 'UPGrad',
    # models and partial labels
    'LABELLED', 'WeightedLossMixin', 'get_weighter', 'present_terms',
    'REGULARIZER_PREFIX', 'reduce_loss_dict', 'with_weighter'
]
