"""Whole networks: the weighted mmseg segmentor, the multi-task bases and
nets, and the stereo depth estimator."""
from .deeplab_branched import DeepLabBranched
from .deeplab_distilled import DeepLabDistilled
from .deeplab_joint import DeepLabJoint
from .multitask_dense_predictor import MultiTaskDensePredictor
from .nddr_cnn import NDDRCNN
from .pixelwise_multitask_net import PixelwiseMultiTaskNet
from .resnet_mtan import ResNetMTAN
from .segnet_mtan import SegNetMTAN
from .semantic_depth_predictor import SemanticDepthPredictor
from .stereo_depth_estimator import StereoDepthEstimator
from .synergy_net import SynergyNet
from .weighted_encoder_decoder import WeightedEncoderDecoder

__all__ = [
    'DeepLabBranched', 'DeepLabDistilled', 'DeepLabJoint',
    'MultiTaskDensePredictor', 'NDDRCNN', 'PixelwiseMultiTaskNet',
    'ResNetMTAN', 'SegNetMTAN', 'SemanticDepthPredictor',
    'StereoDepthEstimator', 'SynergyNet',
    'WeightedEncoderDecoder'
]
