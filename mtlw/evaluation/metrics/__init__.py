from .edge_ods_metric import EdgeODSMetric
from .label_iou_metric import LabelIoUMetric
from .multitask_metric import MultiTaskMetric
from .multitask_score_metric import MultiTaskScoreMetric
from .normal_metric import NormalMetric
from .per_image_depth_metric import PerImageDepthMetric
from .pooled_depth_metric import PooledDepthMetric
from .range_depth_metric import RangeDepthMetric
from .saliency_metric import SaliencyMetric
from .task_error_metric import TaskErrorMetric

__all__ = ['PerImageDepthMetric', 'MultiTaskMetric', 'MultiTaskScoreMetric',
           'NormalMetric', 'RangeDepthMetric', 'TaskErrorMetric',
           'EdgeODSMetric', 'LabelIoUMetric', 'PooledDepthMetric',
           'SaliencyMetric']
