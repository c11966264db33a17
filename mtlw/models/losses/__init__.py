from .balanced_bce_loss import BalancedBCELoss
from .combined_loss import CombinedLoss
from .depth_aware_loss import DepthAwareLoss
from .depth_log_l1_loss import DepthLogL1Loss
from .depth_regression_loss import DepthRegressionLoss
from .depth_silog_loss import DepthSILogLoss
from .joint_gradient_loss import JointGradientLoss
from .l1_std_loss import L1StdLoss
from .label_ce_loss import LabelCELoss
from .monodepth_loss import MonodepthLoss, monodepth_loss_names
from .normal_cosine_loss import NormalCosineLoss
from .normalized_depth_loss import NormalizedDepthLoss
from .seg_range_ce_loss import SegRangeCELoss
from .softmax_focal_loss import SoftmaxFocalLoss
from .unit_normal_loss import UnitNormalLoss

__all__ = ['MonodepthLoss', 'monodepth_loss_names', 'DepthLogL1Loss',
           'NormalCosineLoss', 'SegRangeCELoss', 'L1StdLoss', 'CombinedLoss',
           'DepthAwareLoss', 'DepthRegressionLoss', 'DepthSILogLoss',
           'JointGradientLoss', 'NormalizedDepthLoss', 'SoftmaxFocalLoss',
           'BalancedBCELoss', 'LabelCELoss', 'UnitNormalLoss']
