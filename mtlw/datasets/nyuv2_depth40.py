"""NYUv2 with the 40-class semantics of Gupta et al. and metric depth."""
from typing import Dict

import numpy as np

from mtlw.registry import DATASETS
from .split_folder_dataset import SplitFolderDataset

CLASSES = (
    'wall', 'floor', 'cabinet', 'bed', 'chair', 'sofa', 'table', 'door',
    'window', 'bookshelf', 'picture', 'counter', 'blinds', 'desk', 'shelves',
    'curtain', 'dresser', 'pillow', 'mirror', 'floor mat', 'clothes',
    'ceiling', 'books', 'refridgerator', 'television', 'paper', 'towel',
    'shower curtain', 'box', 'whiteboard', 'person', 'night stand', 'toilet',
    'sink', 'lamp', 'bathtub', 'bag', 'otherstructure', 'otherfurniture',
    'otherprop')
IGNORE_INDEX = 255


@DATASETS.register_module()
class NYUv2Depth40Dataset(SplitFolderDataset):
    """NYU Depth v2 (Silberman et al., ECCV 2012) with the 40 classes of
    Gupta et al. (CVPR 2013), the data of the synergy network of Jiao et
    al., "Look Deeper into Depth" (ECCV 2018).

    Samples: ``img`` (H, W, 3) uint8 BGR; ``gt_seg_map`` (H, W) uint8 with
    class ``k`` of the files (1..40) as ``k - 1`` and 0 (unlabelled) as 255;
    ``gt_depth_map`` (H, W) float32 metres (the files' millimetres / 1000, 0
    invalid). Matching files are checked when the dataset is built.

    Args:
        data_root (str): Folder with ``train/`` and ``test/``.
        split (str): ``'train'`` or ``'test'``.
        **kwargs: See :class:`SplitFolderDataset`.
    """

    METAINFO = dict(classes=CLASSES)
    DOCS_PAGE = 'docs/datasets.md#nyuv2-40-classes'
    SPLITS = ('train', 'test')
    LAYOUT = """\
data/nyuv2_40/
  {train,test}/          (795 / 654 images of the official split)
    image/<i>.png        colour image (480 x 640)
    depth/<i>.png        uint16 depth in millimetres, 0 invalid
    label40/<i>.png      uint8 class 1..40, 0 unlabelled"""
    FILES = dict(img_path=('image/.png', 'color'),
                 depth_path=('depth/.png', 'unchanged'),
                 seg_map_path=('label40/.png', 'unchanged'))
    CHECKS = dict(
        depth_path=dict(dtype=np.uint16, channels=1, note='millimetres'),
        seg_map_path=dict(dtype=np.uint8, channels=1,
                          values=(0, len(CLASSES))))

    def decode(self, info: dict, maps: Dict[str, np.ndarray]
               ) -> Dict[str, np.ndarray]:
        """Classes 1..40 to 0..39 (0 to 255); millimetres to metres."""
        depth, labels = maps['depth_path'], maps['seg_map_path']
        labels = np.where(labels == 0, IGNORE_INDEX,
                          labels.astype(np.int64) - 1).astype(np.uint8)
        return dict(gt_seg_map=labels,
                    gt_depth_map=depth.astype(np.float32) / 1000.0)
