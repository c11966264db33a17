"""mtlw's models, in mmseg's rooms: backbones, necks, heads, losses, data
preprocessors, whole networks (segmentors) and the pieces they share
(utils)."""
from .backbones import DeepLabEncoder, EncoderColumns
from .data_preprocessors import (MultiTaskDataPreprocessor,
                                 StereoDataPreprocessor)
from .decode_heads import (ASPP, ArgmaxEncHead, ArgmaxFCNHead, CEOnlyEncHead,
                           DeepLabV3PlusDecoder, DeepLabV3PlusHead,
                           DisparityDecoder, TwelveConvDecoder)
from .losses import MonodepthLoss
from .necks import (CrossStitch, CrossTaskDistillation, FeaturePropagation,
                    LateralSharingUnit)
from .segmentors import (DeepLabBranched, DeepLabDistilled, DeepLabJoint,
                         MTINet, MultiTaskDensePredictor, PADNet,
                         PixelwiseMultiTaskNet, SemanticDepthPredictor,
                         StereoDepthEstimator, SynergyNet,
                         WeightedEncoderDecoder)
from .utils import DenseTask, DepthNormalization

__all__ = [
    'ASPP', 'ArgmaxEncHead', 'ArgmaxFCNHead', 'CEOnlyEncHead', 'CrossStitch',
    'CrossTaskDistillation',
    'DeepLabBranched', 'DeepLabDistilled', 'DeepLabEncoder', 'DeepLabJoint',
    'DeepLabV3PlusDecoder', 'DeepLabV3PlusHead', 'DenseTask',
    'DepthNormalization', 'DisparityDecoder', 'EncoderColumns',
    'FeaturePropagation', 'LateralSharingUnit', 'MonodepthLoss', 'MTINet',
    'MultiTaskDataPreprocessor', 'MultiTaskDensePredictor', 'PADNet',
    'PixelwiseMultiTaskNet',
    'SemanticDepthPredictor', 'StereoDataPreprocessor',
    'StereoDepthEstimator', 'SynergyNet', 'TwelveConvDecoder',
    'WeightedEncoderDecoder'
]
