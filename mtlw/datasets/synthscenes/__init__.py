"""SynthScenes: procedurally ray-cast stereo scenes with dense labels."""
from .camera import StereoCamera, depth_to_disparity
from .renderer import View, render_sample, render_view, visible_in_other_view
from .scene import (CLASSES, IGNORE_INDEX, PALETTE, SPLITS, Scene,
                    sample_scene, scene_rng)

__all__ = [
    'CLASSES', 'IGNORE_INDEX', 'PALETTE', 'SPLITS', 'Scene', 'StereoCamera',
    'View', 'depth_to_disparity', 'render_sample', 'render_view',
    'sample_scene', 'scene_rng', 'visible_in_other_view'
]
