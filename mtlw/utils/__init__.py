from .benchmark import (short_run_cfg, synchronize, time_per_call,
                        train_step_from_config)
from .run_logs import (RunLog, RunLogError, completion, read_run,
                       read_scalars, weight_series)

__all__ = [
    'RunLog', 'RunLogError', 'completion', 'read_run', 'read_scalars',
    'weight_series', 'short_run_cfg', 'synchronize', 'time_per_call',
    'train_step_from_config'
]
