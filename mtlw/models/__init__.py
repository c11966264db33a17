"""mtlw's models, in mmseg's rooms: backbones, necks, heads, losses, data
preprocessors, whole networks (segmentors) and the pieces they share
(utils)."""
from .backbones import (DeepLabEncoder, EncoderColumns, EncoderStages,
                        ResNetV1cEncoder, SegNet, StagedResNet, TimmEncoder)
from .data_preprocessors import (MultiTaskDataPreprocessor,
                                 StereoDataPreprocessor)
from .decode_heads import (ASPP, ArgmaxEncHead, ArgmaxFCNHead, CEOnlyEncHead,
                           DeepLabV3Head, DeepLabV3PlusDecoder,
                           DeepLabV3PlusHead, DisparityDecoder,
                           TwelveConvDecoder)
from .losses import MonodepthLoss
from .necks import (CrossStitch, CrossTaskDistillation, DSelectGate,
                    FeaturePropagation, LateralSharingUnit, NDDRLayer,
                    SoftmaxGate, TaskAttention)
from .segmentors import (CGC, LTB, NDDRCNN, PLE, DeepLabBranched,
                         DeepLabDistilled, DeepLabJoint, DSelectK, MMoE,
                         MTINet, MultiTaskDensePredictor, PADNet,
                         PixelwiseMultiTaskNet, ResNetMTAN, SegNetMTAN,
                         SemanticDepthPredictor, SharingStructureNet,
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
    'DeepLabJoint', 'DeepLabV3Head', 'DeepLabV3PlusDecoder',
    'DeepLabV3PlusHead', 'DenseTask', 'DepthNormalization',
    'DisparityDecoder', 'EncoderColumns', 'EncoderStages',
    'FeaturePropagation', 'LTB', 'LateralSharingUnit', 'MMoE', 'MTINet',
    'MonodepthLoss', 'MultiTaskDataPreprocessor',
    'MultiTaskDensePredictor', 'NDDRCNN', 'NDDRLayer', 'PADNet', 'PLE',
    'PixelwiseMultiTaskNet', 'ResNetMTAN', 'ResNetV1cEncoder', 'SegNet',
    'SegNetMTAN', 'SemanticDepthPredictor', 'SharingStructureNet',
    'SoftmaxGate', 'StagedResNet',
    'StereoDataPreprocessor', 'StereoDepthEstimator', 'SynergyNet',
    'TaskAttention', 'TimmEncoder', 'TwelveConvDecoder',
    'WeightedCascadeEncoderDecoder', 'WeightedDepthEstimator',
    'WeightedEncoderDecoder', 'WeightedMultimodalEncoderDecoder',
    'build_with_weighter'
]
