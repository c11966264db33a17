"""SynthScenes for multi-task dense prediction: depth, normals, semantics."""
from typing import Dict

from mtlw.registry import DATASETS
from .base_synthscenes import BaseSynthScenesDataset
from .synthscenes import View


@DATASETS.register_module()
class SynthScenesMultiTaskDataset(BaseSynthScenesDataset):
    """SynthScenes left views with depth, surface normals and labels.

    Fields: ``img`` (H, W, 3) uint8 BGR; ``gt_seg_map`` (H, W) uint8 (255
    ignore); ``gt_depth_map`` (H, W) float32 metres (0 invalid: sky, beyond
    ``max_depth``); ``gt_normal_map`` (H, W, 3) float32 unit normals in the
    camera frame (x right, y down, z forward), zero where invalid. Flip with
    :class:`~mtlw.datasets.transforms.RandomFlipWithNormals` (it negates
    the normals' x) and pack with
    :class:`~mtlw.datasets.transforms.PackMultiTaskInputs`. Arguments: see
    :class:`~mtlw.datasets.base_synthscenes.BaseSynthScenesDataset`.
    """

    def sample_fields(self, views: Dict[str, View]) -> dict:
        left = views['left']
        return dict(img=left.image, gt_seg_map=left.label,
                    gt_depth_map=left.depth, gt_normal_map=left.normal)
