"""Whole networks: the weighted mmseg segmentors, the multi-task bases and
nets, and the stereo depth estimator."""
from .cgc import CGC
from .deeplab_branched import DeepLabBranched
from .deeplab_distilled import DeepLabDistilled
from .deeplab_joint import DeepLabJoint
from .dselect_k import DSelectK
from .fcrn import FCRN
from .ltb import LTB
from .mmoe import MMoE
from .mti_net import MTINet
from .multitask_dense_predictor import MultiTaskDensePredictor
from .nddr_cnn import NDDRCNN
from .pad_net import PADNet
from .pixelwise_multitask_net import PixelwiseMultiTaskNet
from .ple import PLE
from .resnet_mtan import ResNetMTAN
from .segnet_mtan import SegNetMTAN
from .segnet_predictor import SegNetPredictor
from .semantic_depth_predictor import SemanticDepthPredictor
from .sharing_structure_net import SharingStructureNet
from .stereo_depth_estimator import StereoDepthEstimator
from .synergy_net import SynergyNet
from .weighted_encoder_decoder import WeightedEncoderDecoder
from .weighted_segmentors import (WeightedCascadeEncoderDecoder,
                                  WeightedDepthEstimator,
                                  WeightedMultimodalEncoderDecoder)

__all__ = [
    'CGC', 'DSelectK', 'DeepLabBranched', 'DeepLabDistilled',
    'DeepLabJoint', 'FCRN', 'LTB', 'MMoE', 'MTINet',
    'MultiTaskDensePredictor', 'NDDRCNN', 'PADNet', 'PLE',
    'PixelwiseMultiTaskNet', 'ResNetMTAN', 'SegNetMTAN', 'SegNetPredictor',
    'SemanticDepthPredictor', 'SharingStructureNet',
    'StereoDepthEstimator', 'SynergyNet', 'WeightedCascadeEncoderDecoder',
    'WeightedDepthEstimator', 'WeightedEncoderDecoder',
    'WeightedMultimodalEncoderDecoder'
]
