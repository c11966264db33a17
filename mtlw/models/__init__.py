"""mtlw's models, in mmseg's rooms: backbones, necks, heads, losses, data
preprocessors, whole networks (segmentors) and the pieces they share
(utils)."""
from .backbones import (DeepLabEncoder, EncoderColumns, EncoderStages,
                        ResNetV1cEncoder, TimmEncoder)
from .data_preprocessors import (MultiTaskDataPreprocessor,
                                 StereoDataPreprocessor)
from .decode_heads import (ASPP, ArgmaxEncHead, ArgmaxFCNHead, CEOnlyEncHead,
                           DeepLabV3PlusDecoder, DeepLabV3PlusHead,
                           DisparityDecoder, TwelveConvDecoder)
from .losses import MonodepthLoss
from .necks import (CrossStitch, CrossTaskDistillation, DSelectGate,
                    FeaturePropagation, LateralSharingUnit, SoftmaxGate)
from .segmentors import (CGC, LTB, PLE, DeepLabBranched, DeepLabDistilled,
                         DeepLabJoint, DSelectK, MMoE, MTINet,
                         MultiTaskDensePredictor, PADNet,
                         PixelwiseMultiTaskNet, SemanticDepthPredictor,
                         StereoDepthEstimator, SynergyNet,
                         WeightedCascadeEncoderDecoder, WeightedDepthEstimator,
                         WeightedEncoderDecoder,
                         WeightedMultimodalEncoderDecoder)
from .utils import DenseTask, DepthNormalization
from .with_weighter_builder import build_with_weighter

__all__ = [
    'ASPP', 'ArgmaxEncHead', 'ArgmaxFCNHead', 'CEOnlyEncHead', 'CGC',
    'CrossStitch', 'CrossTaskDistillation', 'DSelectGate', 'DSelectK',
    'DeepLabBranched', 'DeepLabDistilled', 'DeepLabEncoder',
    'DeepLabJoint', 'DeepLabV3PlusDecoder', 'DeepLabV3PlusHead',
    'DenseTask', 'DepthNormalization', 'DisparityDecoder',
    'EncoderColumns', 'EncoderStages', 'FeaturePropagation', 'LTB',
    'LateralSharingUnit', 'MMoE', 'MTINet', 'MonodepthLoss',
    'MultiTaskDataPreprocessor', 'MultiTaskDensePredictor', 'PADNet',
    'PLE', 'PixelwiseMultiTaskNet', 'ResNetV1cEncoder',
    'SemanticDepthPredictor', 'SoftmaxGate', 'StereoDataPreprocessor',
    'StereoDepthEstimator', 'SynergyNet', 'TimmEncoder',
    'TwelveConvDecoder', 'WeightedCascadeEncoderDecoder',
    'WeightedDepthEstimator', 'WeightedEncoderDecoder',
    'WeightedMultimodalEncoderDecoder', 'build_with_weighter'
]
