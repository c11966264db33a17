"""NYUv2 with the 40-class semantics of Gupta et al. (or their 4 structure
classes) and metric depth."""
import os.path as osp
from functools import lru_cache
from typing import Dict, Tuple

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
#: The 4 structure classes of Silberman et al. (ECCV 2012).
CLASSES4 = ('ground', 'structure', 'furniture', 'props')
#: The 40 -> 4 table (package data; its header gives the derivation).
CLASS4_MAP = osp.join(osp.dirname(osp.abspath(__file__)), 'class_maps',
                      'nyuv2_40_to_4.txt')


@lru_cache(maxsize=None)
def load_class4_mapping(path: str = CLASS4_MAP) -> np.ndarray:
    """A lookup table 40-class label (0..40) -> 4-class label (0..4).

    Args:
        path (str): The table: one line per 40-class id (tab separated:
            id, name, 4-class name, 4-class id, reason), ``#`` comments.

    Returns:
        np.ndarray: (41,) uint8, entry 0 (unlabelled) is 0.

    Raises:
        ValueError: A 40-class id or name missing, repeated or not matching
            :data:`CLASSES`, or a 4-class id / name outside :data:`CLASSES4`.
    """
    table = np.zeros(len(CLASSES) + 1, np.uint8)
    seen = set()
    with open(path) as file:
        for line in file:
            if not line.strip() or line.startswith('#'):
                continue
            index, name, target_name, target = line.rstrip('\n').split(
                '\t')[:4]
            index, target = int(index), int(target)
            if index in seen or not 1 <= index <= len(CLASSES) or \
                    CLASSES[index - 1] != name:
                raise ValueError(f'{path}: line {line.strip()!r}: 40-class '
                                 f'id {index} ({name!r}) is repeated or does '
                                 'not match CLASSES')
            if not 1 <= target <= len(CLASSES4) or \
                    CLASSES4[target - 1] != target_name:
                raise ValueError(f'{path}: line {line.strip()!r}: 4-class '
                                 f'id {target} ({target_name!r}) not in '
                                 f'{CLASSES4}')
            seen.add(index)
            table[index] = target
    missing = sorted(set(range(1, len(CLASSES) + 1)) - seen)
    if missing:
        raise ValueError(f'{path}: 40-class ids {missing} have no 4-class '
                         'label')
    table.setflags(write=False)
    return table


@DATASETS.register_module()
class NYUv2Depth40Dataset(SplitFolderDataset):
    """NYU Depth v2 (Silberman et al., ECCV 2012) with the 40 classes of
    Gupta et al. (CVPR 2013), the data of the synergy network of Jiao et
    al., "Look Deeper into Depth" (ECCV 2018).

    Samples: ``img`` (H, W, 3) uint8 BGR; ``gt_seg_map`` (H, W) uint8 with
    class ``k`` of the files (1..40) as ``k - 1`` and 0 (unlabelled) as 255;
    ``gt_depth_map`` (H, W) float32 metres (the files' millimetres / 1000, 0
    invalid). Matching files are checked when the dataset is built.

    With ``num_classes=4`` the 40 classes are read through the table of
    :func:`load_class4_mapping` into the 4 structure classes of Silberman et
    al. (ground, structure, furniture, props as 0..3), the labels of the
    synergy paper's "Proposed-4c" model and of its supplementary Tables 1-2.

    Args:
        data_root (str): Folder with ``train/`` and ``test/``.
        split (str): ``'train'`` or ``'test'``.
        num_classes (int): 40 (the files' classes) or 4.
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

    NUM_CLASSES: Tuple[int, ...] = (40, 4)

    def __init__(self, *args, num_classes: int = 40, **kwargs) -> None:
        if num_classes not in self.NUM_CLASSES:
            raise ValueError(f'num_classes must be one of {self.NUM_CLASSES}'
                             f', got {num_classes!r}')
        self.num_classes = num_classes
        if num_classes == 4:
            kwargs['metainfo'] = dict(kwargs.get('metainfo') or {},
                                      classes=CLASSES4)
        super().__init__(*args, **kwargs)

    def decode(self, info: dict, maps: Dict[str, np.ndarray]
               ) -> Dict[str, np.ndarray]:
        """Classes 1..40 (or their 4 structure classes 1..4) to 0..K-1 (0
        to 255); millimetres to metres."""
        depth, labels = maps['depth_path'], maps['seg_map_path']
        if self.num_classes == 4:
            labels = load_class4_mapping()[labels]
        labels = np.where(labels == 0, IGNORE_INDEX,
                          labels.astype(np.int64) - 1).astype(np.uint8)
        return dict(gt_seg_map=labels,
                    gt_depth_map=depth.astype(np.float32) / 1000.0)
