"""Helpers of the weighting rules: autograd-graph utilities, the Adam step
of learned weights, argument checks, safe division, the min-norm
solver and the solver of ``G w = w^(-1/alpha)``."""
from .adam import adam_step
from .autograd_graph import (combine_gradients, head_leaves, reach,
                             single_backward_total, view_outputs)
from .checks import check_count, check_number, check_number_dict
from .min_norm_solver import min_norm_solver
from .power_equation_solver import power_equation_solver, solve_or_keep
from .safe_math import normalize_sum, safe_div

__all__ = [
    'adam_step', 'check_count', 'check_number', 'check_number_dict',
    'combine_gradients', 'head_leaves',
    'min_norm_solver', 'normalize_sum', 'power_equation_solver', 'reach',
    'safe_div', 'single_backward_total', 'solve_or_keep', 'view_outputs'
]
