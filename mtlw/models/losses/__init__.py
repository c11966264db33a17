from .combined_loss import CombinedLoss
from .depth_aware_loss import DepthAwareLoss
from .depth_log_l1_loss import DepthLogL1Loss
from .depth_regression_loss import DepthRegressionLoss
from .focal_loss import SoftmaxFocalLoss
from .joint_gradient_loss import JointGradientLoss
from .monodepth_loss import MonodepthLoss, monodepth_loss_names
from .normal_cosine_loss import NormalCosineLoss
from .seg_range_ce_loss import SegRangeCELoss
from .silog_loss import DepthSILogLoss
from .taskonomy_losses import L1StdLoss

__all__ = ['MonodepthLoss', 'monodepth_loss_names', 'DepthLogL1Loss',
           'NormalCosineLoss', 'SegRangeCELoss', 'L1StdLoss', 'CombinedLoss',
           'DepthAwareLoss', 'DepthRegressionLoss', 'DepthSILogLoss',
           'JointGradientLoss', 'SoftmaxFocalLoss']
