"""Datasets and data transforms of mtlw (registered in mmseg's registries)."""
from .base_synthscenes import BaseSynthScenesDataset
from .cityscapes_depth_seg import CityscapesDepthSegDataset
from .cityscapes_mtan import CityscapesMTANDataset
from .cityscapes_stereo import CityscapesStereoDataset
from .kitti_stereo import KittiStereoDataset
from .kitti_stereo2015_depth import KittiStereo2015DepthDataset
from .miniscapes import MiniscapesDataset
from .nyud_mt import NYUDMTDataset
from .nyuv2_depth40 import NYUv2Depth40Dataset
from .nyuv2_mtan import NYUv2MTANDataset
from .pascal_context_59 import PascalContext59Dataset
from .pascal_mt import PascalMTDataset
from .synthscenes_multitask import SynthScenesMultiTaskDataset
from .synthscenes_seg import SynthScenesSegDataset
from .synthscenes_stereo import SynthScenesStereoDataset
from .taskonomy import TaskonomyDataset
from .transforms import (FillMissingLabels, PackMultiTaskInputs,
                         RandomFlipWithNormals, StereoColorJitter,
                         StereoRandomFlip, StereoResize)
from .utils import check_data_root, read_image

__all__ = [
    'BaseSynthScenesDataset', 'CityscapesStereoDataset', 'KittiStereoDataset',
    'NYUv2MTANDataset', 'PascalContext59Dataset', 'TaskonomyDataset',
    'SynthScenesMultiTaskDataset', 'CityscapesDepthSegDataset',
    'KittiStereo2015DepthDataset', 'MiniscapesDataset', 'NYUv2Depth40Dataset',
    'FillMissingLabels', 'CityscapesMTANDataset', 'NYUDMTDataset',
    'PascalMTDataset',
    'SynthScenesSegDataset', 'SynthScenesStereoDataset',
    'PackMultiTaskInputs', 'RandomFlipWithNormals', 'StereoColorJitter',
    'StereoRandomFlip', 'StereoResize',
    'check_data_root', 'read_image'
]
