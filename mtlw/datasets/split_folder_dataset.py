"""Base of the semantics + depth datasets stored one folder per modality."""
import os.path as osp
from typing import Dict, List, Sequence, Tuple

import numpy as np
from mmengine.dataset import BaseDataset

from .depth_seg_utils import check_split, matched_files
from .utils import check_data_root, read_image


class SplitFolderDataset(BaseDataset):
    """Samples stored as ``<data_root>/<split>/<folder>/<stem>.<ext>``.

    A subclass names its splits, its expected layout and docs page (for
    errors), its files and how to decode the label maps:

    - ``FILES``: sample key -> (``'<folder>/<ext>'``, read flag of
      :func:`read_image`); ``'img_path'`` comes first and lists the samples;
    - ``CHECKS``: sample key -> what its file must hold (keywords of
      :func:`~mtlw.datasets.utils.check_array`: ``dtype``, ``channels``,
      ``values``, ...); every map must also have its image's size;
    - :meth:`decode` turns the raw maps into ``gt_seg_map`` (uint8, 255
      ignored) and ``gt_depth_map`` (float32 metres, 0 invalid).

    The base checks the data root and that every sample has all its files
    when the dataset is built, and every map's size, dtype, channels and
    values when it is read (:class:`~mtlw.datasets.utils.DataFileError`
    naming the file, the expected and the found property).

    Args:
        data_root (str): Folder with one sub-folder per split.
        split (str): One of ``SPLITS``.
        pipeline (Sequence): Transforms.
        **kwargs: Other :class:`mmengine.dataset.BaseDataset` arguments.
    """

    SPLITS: Tuple[str, ...] = ()
    LAYOUT: str = ''
    DOCS_PAGE: str = ''
    FILES: Dict[str, Tuple[str, str]] = {}
    CHECKS: Dict[str, dict] = {}

    def __init__(self, data_root: str, split: str = 'train',
                 pipeline: Sequence = (), **kwargs) -> None:
        self.split = check_split(split, self.SPLITS, type(self).__name__)
        super().__init__(data_root=data_root, pipeline=list(pipeline),
                         **kwargs)

    def load_data_list(self) -> List[dict]:
        """One entry per image, with the paths of its label files."""
        check_data_root(self.data_root, self.LAYOUT, self.DOCS_PAGE)
        return matched_files(
            osp.join(self.data_root, self.split),
            {key: folder for key, (folder, _) in self.FILES.items()},
            self.LAYOUT)

    def get_data_info(self, idx: int) -> dict:
        """Load sample ``idx``."""
        info = super().get_data_info(idx)
        image = read_image(info['img_path'])
        size = image.shape[:2]
        maps = {
            key: read_image(info[key], flag, size=size,
                            **self.CHECKS.get(key, {}))
            for key, (_, flag) in self.FILES.items() if key != 'img_path'
        }
        info.update(self.decode(info, maps), img=image, img_shape=size,
                    ori_shape=size, reduce_zero_label=False,
                    seg_fields=['gt_seg_map', 'gt_depth_map'])
        return info

    def decode(self, info: dict, maps: Dict[str, np.ndarray]
               ) -> Dict[str, np.ndarray]:
        """``gt_seg_map`` and ``gt_depth_map`` from the raw maps.

        Args:
            info (dict): The sample's paths (for errors).
            maps (dict): Sample key (e.g. ``'depth_path'``) -> raw array.

        Returns:
            dict: ``gt_seg_map`` and ``gt_depth_map``.
        """
        raise NotImplementedError
