"""mtlw's models, in mmseg's rooms: backbones, necks, heads, losses, data
preprocessors, whole networks (segmentors) and the pieces they share
(utils)."""
from .backbones import DeepLabEncoder, EncoderColumns, SegNet, StagedResNet
from .data_preprocessors import (MultiTaskDataPreprocessor,
                                 StereoDataPreprocessor)
from .decode_heads import (ASPP, ArgmaxEncHead, ArgmaxFCNHead, CEOnlyEncHead,
                           DeepLabV3Head, DeepLabV3PlusDecoder,
                           DeepLabV3PlusHead, DisparityDecoder,
                           TwelveConvDecoder)
from .losses import MonodepthLoss
from .necks import (CrossStitch, CrossTaskDistillation, LateralSharingUnit,
                    NDDRLayer, TaskAttention)
from .segmentors import (NDDRCNN, DeepLabBranched, DeepLabDistilled,
                         DeepLabJoint, MultiTaskDensePredictor,
                         PixelwiseMultiTaskNet, ResNetMTAN, SegNetMTAN,
                         SemanticDepthPredictor, StereoDepthEstimator,
                         SynergyNet, WeightedEncoderDecoder)
from .utils import DenseTask, DepthNormalization

__all__ = [
    'ASPP', 'ArgmaxEncHead', 'ArgmaxFCNHead', 'CEOnlyEncHead', 'CrossStitch',
    'CrossTaskDistillation',
    'DeepLabBranched', 'DeepLabDistilled', 'DeepLabEncoder', 'DeepLabJoint',
    'DeepLabV3Head', 'DeepLabV3PlusDecoder', 'DeepLabV3PlusHead', 'DenseTask',
    'DepthNormalization', 'DisparityDecoder', 'EncoderColumns',
    'LateralSharingUnit', 'MonodepthLoss', 'MultiTaskDataPreprocessor',
    'MultiTaskDensePredictor', 'NDDRCNN', 'NDDRLayer',
    'PixelwiseMultiTaskNet', 'ResNetMTAN', 'SegNet', 'SegNetMTAN',
    'SemanticDepthPredictor', 'StagedResNet', 'StereoDataPreprocessor',
    'StereoDepthEstimator', 'SynergyNet', 'TaskAttention',
    'TwelveConvDecoder',
    'WeightedEncoderDecoder'
]
