from .stereo_data_preprocessor import StereoDataPreprocessor
from .stereo_depth_estimator import StereoDepthEstimator

__all__ = ['StereoDataPreprocessor', 'StereoDepthEstimator']
