"""Cityscapes semantics (19 train IDs) and depth from disparity."""
import glob
import os.path as osp
from typing import List, Sequence

import numpy as np
from mmengine.dataset import BaseDataset

from mtlw.registry import DATASETS
from .cityscapes_camera import CITYSCAPES_FOCAL, disparity_png_to_depth
from .depth_seg_utils import check_split
from .utils import check_data_root, check_disparity_png, read_image

DOCS_PAGE = 'docs/datasets.md#cityscapes'
SPLITS = ('train', 'val', 'test')
LAYOUT = """\
data/cityscapes/
  leftImg8bit/{split}/<city>/<city>_<seq>_<frame>_leftImg8bit.png
  gtFine/{split}/<city>/<city>_<seq>_<frame>_gtFine_labelTrainIds.png
  disparity/{split}/<city>/<city>_<seq>_<frame>_disparity.png"""
CLASSES = ('road', 'sidewalk', 'building', 'wall', 'fence', 'pole',
           'traffic light', 'traffic sign', 'vegetation', 'terrain', 'sky',
           'person', 'rider', 'car', 'truck', 'bus', 'train', 'motorcycle',
           'bicycle')
PALETTE = [[128, 64, 128], [244, 35, 232], [70, 70, 70], [102, 102, 156],
           [190, 153, 153], [153, 153, 153], [250, 170, 30], [220, 220, 0],
           [107, 142, 35], [152, 251, 152], [70, 130, 180], [220, 20, 60],
           [255, 0, 0], [0, 0, 142], [0, 0, 70], [0, 60, 100], [0, 80, 100],
           [0, 0, 230], [119, 11, 32]]
#: Label files and what they hold, by the name of the sample field.
LABELS = dict(gt_seg_map=('gtFine', 'gtFine_labelTrainIds'),
              gt_depth_map=('disparity', 'disparity'))


def cityscapes_partner(left_path: str, folder: str, suffix: str) -> str:
    """The file in ``folder`` (``gtFine``, ``disparity``) of a left image."""
    root, split, city, name = left_path.rsplit(osp.sep, 3)
    stem = name[:-len('_leftImg8bit.png')]
    return osp.join(osp.dirname(root), folder, split, city,
                    f'{stem}_{suffix}.png')


@DATASETS.register_module()
class CityscapesDepthSegDataset(BaseDataset):
    """Cityscapes left images with 19-class semantics and metric depth.

    Every ``leftImg8bit/<split>/<city>/*_leftImg8bit.png`` is a sample (sorted
    order). ``gt_seg_map`` is the ``*_gtFine_labelTrainIds.png`` (19
    classes, 255 ignored); ``gt_depth_map`` the depth from
    ``*_disparity.png`` (:func:`~mtlw.datasets.cityscapes_camera.
    disparity_png_to_depth`, the focal length scaled to the image width),
    0 where invalid. ``labels`` selects which maps are loaded: Cityscapes
    semantics alone is the semantic half of the weakly supervised outdoor
    training of Jiao et al., "Look Deeper into Depth" (ECCV 2018,
    supplementary section 8); ``FillMissingLabels`` then adds an empty depth
    map.
    Missing label files are reported when the dataset is built.

    Samples: ``img`` (H, W, 3) uint8 BGR, ``gt_seg_map`` (H, W) uint8,
    ``gt_depth_map`` (H, W) float32 metres. Pack with
    ``PackMultiTaskInputs``.

    Args:
        data_root (str): Cityscapes root (layout in :data:`LAYOUT`).
        split (str): ``'train'``, ``'val'`` or ``'test'``.
        labels (Sequence[str]): Maps to load, from ``('gt_seg_map',
            'gt_depth_map')``.
        pipeline (Sequence): Transforms.
        **kwargs: Other :class:`mmengine.dataset.BaseDataset` arguments.
    """

    METAINFO = dict(classes=CLASSES, palette=PALETTE)

    def __init__(self, data_root: str, split: str = 'train',
                 labels: Sequence[str] = ('gt_seg_map', 'gt_depth_map'),
                 pipeline: Sequence = (), **kwargs) -> None:
        unknown = sorted(set(labels) - set(LABELS))
        if unknown:
            raise ValueError(f'CityscapesDepthSegDataset: unknown labels '
                             f'{unknown}; choose from {sorted(LABELS)}')
        self.split = check_split(split, SPLITS, type(self).__name__)
        self.labels = tuple(labels)
        super().__init__(data_root=data_root, pipeline=list(pipeline),
                         **kwargs)

    def load_data_list(self) -> List[dict]:
        """Every left image of the split with its label files."""
        check_data_root(self.data_root, LAYOUT, DOCS_PAGE)
        pattern = osp.join(self.data_root, 'leftImg8bit', self.split, '*',
                           '*_leftImg8bit.png')
        lefts = sorted(glob.glob(pattern))
        if not lefts:
            raise FileNotFoundError(f'no Cityscapes images match {pattern}. '
                                    f'Expected layout:\n{LAYOUT}')
        data_list = []
        for left in lefts:
            info = dict(img_path=left)
            for field in self.labels:
                path = cityscapes_partner(left, *LABELS[field])
                if not osp.isfile(path):
                    raise FileNotFoundError(
                        f'{left!r} has no {field} file {path!r}. Expected '
                        f'layout:\n{LAYOUT}')
                info[f'{field}_path'] = path
            data_list.append(info)
        return data_list

    def get_data_info(self, idx: int) -> dict:
        """Load sample ``idx``'s image and label maps."""
        info = super().get_data_info(idx)
        image = read_image(info['img_path'])
        height, width = image.shape[:2]
        info.update(img=image, img_shape=(height, width),
                    ori_shape=(height, width), reduce_zero_label=False,
                    seg_fields=list(self.labels))
        if 'gt_seg_map' in self.labels:
            info['gt_seg_map'] = read_image(
                info['gt_seg_map_path'], 'unchanged', size=(height, width),
                dtype=np.uint8, channels=1, values=(0, len(CLASSES) - 1),
                allowed=(255, ))
        if 'gt_depth_map' in self.labels:
            path = info['gt_depth_map_path']
            png = check_disparity_png(read_image(path, 'unchanged'), path,
                                      (height, width))
            info['gt_depth_map'] = disparity_png_to_depth(
                png, focal=CITYSCAPES_FOCAL * width / 2048)
        return info
