"""Helpers of the weighting rules: autograd-graph utilities, the Adam step
of learned weights, argument checks, safe division, the min-norm solver,
gradient surgery as coefficients and the seeded generator saved in a state
dict."""
from .adam import adam_step
from .autograd_graph import (combine_gradients, head_leaves, reach,
                             single_backward_total, view_outputs)
from .checks import check_number, check_number_dict
from .gradient_surgery import (global_batch_gram, group_directions,
                               group_grams, projection_adjustment,
                               random_orders, surgery_coefficients)
from .min_norm_solver import min_norm_solver
from .safe_math import normalize_sum, safe_div
from .seeded_generator import SeededGeneratorMixin, check_seed

__all__ = [
    'adam_step', 'check_number', 'check_number_dict', 'combine_gradients',
    'global_batch_gram', 'group_directions', 'group_grams', 'head_leaves',
    'projection_adjustment', 'random_orders', 'surgery_coefficients',
    'min_norm_solver', 'normalize_sum', 'reach', 'safe_div',
    'SeededGeneratorMixin', 'check_seed', 'single_backward_total',
    'view_outputs'
]
