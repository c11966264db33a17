from .multitask_metric import MultiTaskMetric
from .multitask_score_metric import MultiTaskScoreMetric
from .normal_metric import NormalMetric
from .per_image_depth_metric import PerImageDepthMetric
from .range_depth_metric import RangeDepthMetric
from .task_error_metric import TaskErrorMetric

__all__ = ['PerImageDepthMetric', 'MultiTaskMetric', 'MultiTaskScoreMetric',
           'NormalMetric', 'RangeDepthMetric', 'TaskErrorMetric']
