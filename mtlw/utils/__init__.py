from .benchmark import (build_training, short_run_cfg, synchronize,
                        time_per_call, train_step_from_config)
from .run_logs import (RunLog, RunLogError, completion, read_run,
                       read_scalars, weight_series)

__all__ = [
    'RunLog', 'RunLogError', 'completion', 'read_run', 'read_scalars',
    'weight_series', 'build_training', 'short_run_cfg', 'synchronize',
    'time_per_call',
    'train_step_from_config'
]
