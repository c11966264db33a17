from .depth_errors import (CROPS, DEPTH_METRICS, HIGHER_IS_BETTER, crop_mask,
                           depth_errors)
from .delta_m import (CONVENTIONS, delta_m, load_baseline,
                      lower_is_better)
from .multitask_score import multitask_score
from .normal_errors import (NORMAL_METRICS, angle_statistics,
                            normal_angles, summarize_angles)
from .per_image_results import load_per_image_results, save_per_image_results
from .win_rate import WIN_RATE_METRICS, image_vote, win_rate, win_rate_matrix

__all__ = [
    'CROPS', 'DEPTH_METRICS', 'HIGHER_IS_BETTER', 'crop_mask', 'depth_errors',
    'load_per_image_results', 'save_per_image_results', 'CONVENTIONS',
    'delta_m', 'load_baseline', 'lower_is_better', 'multitask_score',
    'NORMAL_METRICS',
    'angle_statistics', 'normal_angles', 'summarize_angles',
    'WIN_RATE_METRICS', 'image_vote', 'win_rate', 'win_rate_matrix'
]
