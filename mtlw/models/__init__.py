from .decode_heads import CEOnlyEncHead, DisparityDecoder
from .estimators import StereoDataPreprocessor, StereoDepthEstimator
from .losses import MonodepthLoss
from .multitask import LSBNet, MultiTaskDensePredictor
from .necks import CrossStitch
from .segmentors import WeightedEncoderDecoder

__all__ = [
    'CEOnlyEncHead', 'CrossStitch', 'DisparityDecoder', 'LSBNet',
    'MonodepthLoss', 'MultiTaskDensePredictor',
    'StereoDataPreprocessor', 'StereoDepthEstimator', 'WeightedEncoderDecoder'
]
