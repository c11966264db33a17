"""SynthScenes for semantic segmentation."""
from typing import Dict

from mtlw.registry import DATASETS
from .base_synthscenes import BaseSynthScenesDataset
from .synthscenes import View


@DATASETS.register_module()
class SynthScenesSegDataset(BaseSynthScenesDataset):
    """SynthScenes left views with semantic labels.

    Fields: ``img`` (H, W, 3) uint8 BGR and ``gt_seg_map`` (H, W) uint8 with
    the class ids of ``METAINFO['classes']`` (floor, wall, sky, sphere, box,
    cylinder) and 255 (ignore) beyond ``max_depth``. Stock mmseg transforms
    (RandomFlip, RandomCrop, PhotoMetricDistortion, PackSegInputs) and
    IoUMetric work unchanged. Arguments: see
    :class:`~mtlw.datasets.base_synthscenes.BaseSynthScenesDataset`.
    """

    def sample_fields(self, views: Dict[str, View]) -> dict:
        left = views['left']
        return dict(img=left.image, gt_seg_map=left.label)
