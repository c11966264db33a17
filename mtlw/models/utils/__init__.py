"""Pieces the networks share: task descriptions, resizing, depth
normalisation, masked means and test-time augmentation."""
from .dense_task import DenseTask
from .depth_normalization import DepthNormalization
from .labelled_samples import labelled_samples
from .masked_mean import masked_mean
from .resize import resize
from .test_time_augmentation import augmented_maps

__all__ = [
    'DenseTask', 'DepthNormalization', 'augmented_maps', 'labelled_samples',
    'masked_mean', 'resize'
]
