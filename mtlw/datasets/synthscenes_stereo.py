"""SynthScenes rectified stereo pairs with disparity and depth."""
from typing import Dict

import numpy as np

from mtlw.registry import DATASETS
from .base_synthscenes import BaseSynthScenesDataset
from .synthscenes import View, depth_to_disparity, visible_in_other_view


@DATASETS.register_module()
class SynthScenesStereoDataset(BaseSynthScenesDataset):
    """SynthScenes stereo pairs for stereo or self-supervised depth.

    Fields, each for the left view and with suffix ``_right`` for the right
    view: ``img`` / ``img_right`` (H, W, 3) uint8 BGR; ``gt_disp_map``
    (H, W) float32 disparity in pixels, ``focal * baseline / depth`` (a left
    pixel at column ``u`` shows the point seen at ``u - d`` in the right
    view; a right pixel's point is at ``u + d`` in the left view), 0 where
    invalid; ``gt_depth_map`` (H, W) float32 metres, 0 invalid;
    ``gt_visible_mask`` (H, W) uint8, 1 where the pixel is valid and the
    other camera sees its point (left-right disparity check), 0 for
    occlusions and invalid pixels. Flip with
    :class:`~mtlw.datasets.transforms.StereoRandomFlip` (it swaps the views)
    and pack with :class:`~mtlw.datasets.transforms.PackMultiTaskInputs`.
    Arguments: see
    :class:`~mtlw.datasets.base_synthscenes.BaseSynthScenesDataset`.
    """

    VIEWS = ('left', 'right')

    def sample_fields(self, views: Dict[str, View]) -> dict:
        focal, baseline = self.camera.focal, self.camera.baseline
        disparity = {
            view: depth_to_disparity(views[view].depth, focal, baseline)
            for view in self.VIEWS
        }
        fields = {}
        for view, other in (('left', 'right'), ('right', 'left')):
            suffix = '_right' if view == 'right' else ''
            visible = visible_in_other_view(disparity[view], disparity[other],
                                            view)
            fields.update({
                'img' + suffix: views[view].image,
                'gt_disp_map' + suffix: disparity[view],
                'gt_depth_map' + suffix: views[view].depth,
                'gt_visible_mask' + suffix: visible.astype(np.uint8),
            })
        return fields
