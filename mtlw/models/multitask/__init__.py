"""Multi-task dense predictors: a generic base and the LSB networks."""
from .cross_task_distillation import CrossTaskDistillation
from .data_preprocessor import MultiTaskDataPreProcessor
from .deeplab_branched import DeepLabBranched
from .deeplab_distilled import DeepLabDistilled
from .deeplab_joint import DeepLabJoint
from .dense_task import DenseTask, task_fields
from .depth_normalization import DepthNormalization
from .lateral_sharing_unit import LateralSharingUnit
from .lsb_net import LSBNet
from .multitask_dense_predictor import MultiTaskDensePredictor
from .semantic_depth_predictor import SemanticDepthPredictor
from .synergy_net import SynergyNet

__all__ = ['CrossTaskDistillation', 'DeepLabBranched', 'DeepLabDistilled',
           'DeepLabJoint', 'DenseTask', 'DepthNormalization',
           'LateralSharingUnit', 'LSBNet',
           'MultiTaskDataPreProcessor', 'MultiTaskDensePredictor',
           'SemanticDepthPredictor', 'SynergyNet', 'task_fields']
