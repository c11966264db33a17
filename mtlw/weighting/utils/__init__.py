"""Helpers of the weighting rules: autograd-graph utilities, the Adam step
of learned weights, argument checks, safe division, the min-norm solver,
the simplex projection, decaying step sizes and the (K, P) state of
gradient-vector rules."""
from .adam import adam_step
from .autograd_graph import (combine_gradients, head_leaves, reach,
                             single_backward_total, view_outputs)
from .checks import check_number, check_number_dict
from .min_norm_solver import min_norm_solver
from .safe_math import normalize_sum, safe_div
from .simplex import project_simplex
from .step_sizes import decayed_rate
from .vector_state import VectorStateMixin

__all__ = [
    'VectorStateMixin', 'adam_step', 'check_number', 'check_number_dict',
    'combine_gradients', 'decayed_rate', 'head_leaves', 'min_norm_solver',
    'normalize_sum', 'project_simplex', 'reach', 'safe_div',
    'single_backward_total', 'view_outputs'
]
