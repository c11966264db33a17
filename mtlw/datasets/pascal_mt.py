"""PASCAL-Context with 5 tasks in the multi-task release of Vandenhende et
al."""
from typing import List, Optional, Sequence

import cv2
import numpy as np
from mmengine.dataset import BaseDataset

from mtlw.registry import DATASETS
from .depth_seg_utils import check_split
from .listed_files import listed_samples
from .utils import DataFileError, read_image

DOCS_PAGE = 'docs/benchmark_pcontext.md'
SPLITS = ('train', 'val')
IGNORE_INDEX = 255
LAYOUT = """<data_root>/    (PASCAL_MT.tgz unpacked, e.g. data/PASCAL_MT)
  ImageSets/Context/train.txt, val.txt (4998 / 5105 ids, one a line)
  JPEGImages/<id>.jpg
  semseg/VOC12/<id>.png or semseg/pascal-context/<id>.png
                                       21 classes (0 background), 255 void
  human_parts/<id>.mat                 PASCAL-Part annotation ('anno')
  sal_distill/<id>.png                 saliency 0..255 (> 127.5 salient)
  normals_distill/<id>.png             normals as RGB, n = 2 v / 255 - 1
  pascal-context/trainval/<id>.mat     'LabelMap': the boundaries' source"""
FIELDS = dict(
    img_path='JPEGImages/{id}.jpg',
    seg_map_path=('semseg/VOC12/{id}.png', 'semseg/pascal-context/{id}.png'),
    parts_path='human_parts/{id}.mat',
    sal_path='sal_distill/{id}.png',
    normal_path='normals_distill/{id}.png',
    context_path='pascal-context/trainval/{id}.mat')
CLASSES = ('background', 'aeroplane', 'bicycle', 'bird', 'boat', 'bottle',
           'bus', 'car', 'cat', 'chair', 'cow', 'diningtable', 'dog',
           'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa',
           'train', 'tvmonitor')
#: PASCAL-Part class index of a person.
PERSON = 15
#: The 6 human parts (plus background 0) of PASCAL-Part person names.
PART_NAMES = ('background', 'head', 'torso', 'upper arms',
              'lower arms and hands', 'upper legs', 'lower legs and feet')
PART_OF = {
    **{name: 1 for name in ('hair', 'head', 'lear', 'rear', 'lebrow',
                            'rebrow', 'leye', 'reye', 'mouth', 'nose')},
    'neck': 2, 'torso': 2, 'luarm': 3, 'ruarm': 3,
    **{name: 4 for name in ('llarm', 'rlarm', 'lhand', 'rhand')},
    'luleg': 5, 'ruleg': 5,
    **{name: 6 for name in ('llleg', 'rlleg', 'lfoot', 'rfoot')}}


def load_mat(path: str) -> dict:
    """A MATLAB file's variables, with a clear error when unreadable."""
    from scipy.io import loadmat
    try:
        return loadmat(path)
    except (OSError, ValueError, TypeError) as error:
        raise DataFileError(f'Cannot read {path!r} as a MATLAB file: '
                            f'{error}') from None


def human_parts(path: str, size: Sequence[int]) -> np.ndarray:
    """(H, W) uint8 part labels 0..6 of the persons of a PASCAL-Part file;
    all 255 (ignored) when no person has annotated parts, as Vandenhende's
    ``AddIgnoreRegions`` does."""
    target = np.zeros(size, np.uint8)
    found = False
    try:
        objects = load_mat(path)['anno'][0][0][1][0]
        for obj in objects:
            if int(obj[1][0][0]) != PERSON or len(obj[3]) == 0:
                continue
            for part in obj[3][0]:
                name = str(part[0][0])
                if name not in PART_OF:
                    raise DataFileError(f'{path!r}: unknown person part '
                                        f'{name!r}; known {sorted(PART_OF)}')
                mask = part[1].astype(bool)
                if mask.shape != tuple(size):
                    raise DataFileError(
                        f'{path!r}: part mask of size {mask.shape}, its '
                        f'image is {tuple(size)}')
                target[mask] = PART_OF[name]
                found = True
    except (KeyError, IndexError) as error:
        raise DataFileError(f'{path!r} is not a PASCAL-Part annotation '
                            f"('anno' with objects and parts): {error!r}"
                            ) from None
    return target if found else np.full(size, IGNORE_INDEX, np.uint8)


def context_labels(path: str, size: Sequence[int]) -> np.ndarray:
    """The ``LabelMap`` of a PASCAL-Context ``.mat`` file."""
    variables = load_mat(path)
    if 'LabelMap' not in variables:
        raise DataFileError(f"{path!r} has no 'LabelMap'")
    labels = variables['LabelMap']
    if labels.shape != tuple(size):
        raise DataFileError(f'{path!r}: LabelMap of size {labels.shape}, its '
                            f'image is {tuple(size)}')
    return labels


def label_boundaries(labels: np.ndarray) -> np.ndarray:
    """(H, W) float32 one-pixel-wide boundaries between labels: where the
    4-neighbour Laplacian is non-zero, thinned (the release's loader)."""
    from skimage.morphology import thin
    laplacian = cv2.Laplacian(labels.astype(np.float64), cv2.CV_64F)
    return thin(np.abs(laplacian) > 0).astype(np.float32)


@DATASETS.register_module()
class PascalMTDataset(BaseDataset):
    """PASCAL-Context (Mottaghi et al., CVPR 2014) for multi-task learning
    as released by Vandenhende et al. ("Multi-Task Learning for Dense
    Prediction Tasks: A Survey", TPAMI 2021; from Maninis et al., CVPR
    2019): 4998 training and 5105 validation images with 21-class
    semantics, 6 human parts, distilled saliency and surface normals, and
    boundaries.

    Each sample has ``img`` (H, W, 3) uint8 BGR, ``gt_seg_map`` (H, W)
    uint8 (21 classes, 255 void), ``gt_parts_map`` (H, W) float32 parts
    0..6 (255 in images without annotated persons), ``gt_sal_map`` (H, W)
    float32 0/1 (``> 0.5`` of the distilled map), ``gt_normal_map`` (H, W,
    3) float32 (``2 v / 255 - 1`` scaled to unit length, as their
    evaluation scales the labels; their training loss uses the unscaled
    map) and ``gt_edge_map`` (H, W) float32 (the thinned Laplacian
    of the PASCAL-Context labels). Pack with ``PackMultiTaskInputs`` with
    ``gt_parts_map``, ``gt_sal_map`` and ``gt_edge_map`` among its
    ``pixel_keys``.

    The release's loader keeps distilled normals only on the classes that
    NYUD also labels (a list read from its ``db_info`` JSON files);
    ``normal_classes`` takes those PASCAL-Context label ids. When None,
    every pixel of the distilled map counts.

    Args:
        data_root (str): The unpacked ``PASCAL_MT`` folder.
        split (str): ``'train'`` or ``'val'``.
        normal_classes (Sequence[int], optional): PASCAL-Context labels
            whose pixels keep their normals (the others become 0, invalid).
        pipeline (Sequence): Transforms.
        **kwargs: Other arguments of :class:`mmengine.dataset.BaseDataset`.
    """

    METAINFO = dict(classes=CLASSES, parts=PART_NAMES)

    def __init__(self, data_root: str, split: str = 'train',
                 normal_classes: Optional[Sequence[int]] = None,
                 pipeline: Sequence = (), **kwargs) -> None:
        self.split = check_split(split, SPLITS, type(self).__name__)
        self.normal_classes = None if normal_classes is None else \
            np.asarray(normal_classes)
        super().__init__(data_root=data_root, pipeline=list(pipeline),
                         **kwargs)

    def load_data_list(self) -> List[dict]:
        """Every id of ``ImageSets/Context/<split>.txt`` with its files."""
        return listed_samples(self.data_root,
                              f'ImageSets/Context/{self.split}.txt', FIELDS,
                              'PASCAL-Context (multi-task)', LAYOUT,
                              DOCS_PAGE)

    def get_data_info(self, idx: int) -> dict:
        """Load sample ``idx``'s image and five maps."""
        info = super().get_data_info(idx)
        image = read_image(info['img_path'])
        size = image.shape[:2]
        seg = read_image(info['seg_map_path'], 'unchanged', size=size,
                         channels=1, values=(0, len(CLASSES) - 1),
                         allowed=(IGNORE_INDEX, ))
        sal = read_image(info['sal_path'], 'grayscale', size=size)
        normal = read_image(info['normal_path'], size=size)[..., ::-1]
        normal = 2.0 * normal.astype(np.float32) / 255.0 - 1.0
        length = np.linalg.norm(normal, axis=-1, keepdims=True)
        normal = np.where(length > 0, normal / np.maximum(length, 1e-12), 0)
        labels = context_labels(info['context_path'], size)
        if self.normal_classes is not None:
            normal[~np.isin(labels, self.normal_classes)] = 0
        info.update(
            img=image, gt_seg_map=seg,
            gt_parts_map=human_parts(info['parts_path'], size).astype(
                np.float32),
            gt_sal_map=(sal / 255.0 > 0.5).astype(np.float32),
            gt_normal_map=np.ascontiguousarray(normal),
            gt_edge_map=label_boundaries(labels),
            img_shape=size, ori_shape=size, reduce_zero_label=False,
            seg_fields=['gt_seg_map', 'gt_parts_map', 'gt_sal_map',
                        'gt_normal_map', 'gt_edge_map'])
        return info
