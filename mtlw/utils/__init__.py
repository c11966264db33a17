from .benchmark import synchronize, time_per_call, train_step_from_config
from .run_logs import find_scalars_file, read_scalars, weight_series

__all__ = [
    'find_scalars_file', 'read_scalars', 'weight_series', 'synchronize',
    'time_per_call', 'train_step_from_config'
]
