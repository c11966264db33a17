"""Batching and normalisation of multi-task and stereo inputs."""
from .multitask_data_preprocessor import MultiTaskDataPreprocessor
from .stereo_data_preprocessor import StereoDataPreprocessor

__all__ = ['MultiTaskDataPreprocessor', 'StereoDataPreprocessor']
