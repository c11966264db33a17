"""Helpers of the weighting rules: autograd-graph utilities, the Adam step
of learned weights, argument checks, safe division, the min-norm solver,
the exact small-K solvers over faces, the solver of ``G w = w^(-1/alpha)``,
the simplex projection and sub-batch gradients."""
from .active_set import exact_min_norm, nonnegative_qp
from .adam import adam_step
from .autograd_graph import (combine_gradients, head_leaves, reach,
                             single_backward_total, view_outputs)
from .checks import check_count, check_number, check_number_dict
from .min_norm_solver import min_norm_solver
from .power_equation_solver import power_equation_solver, solve_or_keep
from .safe_math import normalize_sum, safe_div
from .simplex import project_to_simplex
from .sub_batches import sub_batch_gradients, sub_batch_size

__all__ = [
    'adam_step', 'check_count', 'check_number', 'check_number_dict',
    'combine_gradients', 'exact_min_norm', 'head_leaves', 'min_norm_solver',
    'nonnegative_qp', 'normalize_sum', 'power_equation_solver',
    'project_to_simplex', 'reach', 'safe_div', 'single_backward_total',
    'solve_or_keep', 'sub_batch_gradients', 'sub_batch_size', 'view_outputs'
]
