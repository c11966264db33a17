"""Data transforms of mtlw (registered in mmseg's TRANSFORMS)."""
from .checked_load_annotations import CheckedLoadAnnotations
from .checked_load_image import CheckedLoadImageFromFile
from .fill_missing_labels import FillMissingLabels
from .pack_multitask_inputs import PackMultiTaskInputs
from .random_flip_with_normals import RandomFlipWithNormals
from .stereo_color_jitter import StereoColorJitter
from .stereo_random_flip import StereoRandomFlip
from .stereo_resize import StereoResize

__all__ = [
    'CheckedLoadAnnotations', 'CheckedLoadImageFromFile', 'FillMissingLabels',
    'PackMultiTaskInputs', 'RandomFlipWithNormals', 'StereoColorJitter',
    'StereoRandomFlip', 'StereoResize'
]
