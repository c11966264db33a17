"""Helpers of the weighting rules: autograd-graph utilities, the Adam step
of learned weights, argument checks, safe division, the min-norm solver,
the exact small-K solvers over faces, the solver of ``G w = w^(-1/alpha)``,
gradient surgery as coefficients, the simplex projection, sub-batch
gradients, decaying step sizes, per-loss gradient state and the seeded
generator saved in a state dict."""
from .active_set import exact_min_norm, nonnegative_qp
from .adam import adam_step
from .autograd_graph import (combine_gradients, head_leaves, reach,
                             single_backward_total, view_outputs)
from .checks import check_count, check_number, check_number_dict
from .gradient_surgery import (global_batch_gram, group_directions,
                               group_grams, projection_adjustment,
                               random_orders, surgery_coefficients)
from .min_norm_solver import min_norm_solver
from .power_equation_solver import power_equation_solver, solve_or_keep
from .safe_math import normalize_sum, safe_div
from .seeded_generator import SeededGeneratorMixin, check_seed
from .simplex import project_to_simplex
from .step_sizes import decayed_rate
from .sub_batches import sub_batch_gradients, sub_batch_size
from .vector_state import VectorStateMixin

__all__ = [
    'SeededGeneratorMixin', 'VectorStateMixin', 'adam_step', 'check_count',
    'check_number', 'check_number_dict', 'check_seed', 'combine_gradients',
    'decayed_rate', 'exact_min_norm', 'global_batch_gram',
    'group_directions', 'group_grams', 'head_leaves', 'min_norm_solver',
    'nonnegative_qp', 'normalize_sum', 'power_equation_solver',
    'project_to_simplex', 'projection_adjustment', 'random_orders', 'reach',
    'safe_div', 'single_backward_total', 'solve_or_keep',
    'sub_batch_gradients', 'sub_batch_size', 'surgery_coefficients',
    'view_outputs'
]
