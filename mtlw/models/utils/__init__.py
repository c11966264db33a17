"""Pieces the networks share: task descriptions, resizing, depth
normalisation, masked means and test-time augmentation."""
from .dense_task import DenseTask
from .depth_normalization import DepthNormalization
from .labelled_samples import labelled_samples
from .masked_mean import masked_mean
from .residual_blocks import residual_blocks
from .resize import concat_resized, resize
from .test_time_augmentation import augmented_maps

__all__ = [
    'DenseTask', 'DepthNormalization', 'augmented_maps', 'concat_resized',
    'labelled_samples', 'masked_mean', 'residual_blocks', 'resize'
]
