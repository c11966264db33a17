"""Whole networks: the weighted mmseg segmentor, the multi-task bases and
nets, and the stereo depth estimator."""
from .deeplab_branched import DeepLabBranched
from .deeplab_distilled import DeepLabDistilled
from .deeplab_joint import DeepLabJoint
from .mti_net import MTINet
from .multitask_dense_predictor import MultiTaskDensePredictor
from .pad_net import PADNet
from .pixelwise_multitask_net import PixelwiseMultiTaskNet
from .semantic_depth_predictor import SemanticDepthPredictor
from .stereo_depth_estimator import StereoDepthEstimator
from .synergy_net import SynergyNet
from .weighted_encoder_decoder import WeightedEncoderDecoder

__all__ = [
    'DeepLabBranched', 'DeepLabDistilled', 'DeepLabJoint',
    'MTINet', 'MultiTaskDensePredictor', 'PADNet', 'PixelwiseMultiTaskNet',
    'SemanticDepthPredictor', 'StereoDepthEstimator', 'SynergyNet',
    'WeightedEncoderDecoder'
]
