"""NYU Depth v2 with 40 classes from the official labelled .mat.

Reads ``nyu_depth_v2_labeled.mat`` (Silberman et al., ECCV 2012; MATLAB
v7.3, read with h5py), maps its 894 classes to the 40 of Gupta et al.
(CVPR 2013, ``classMapping40.mat``: ``mapClass``) and writes the official
split (``splits.mat``: ``trainNdxs`` / ``testNdxs``, 795 / 654, 1-based)
in the layout of ``NYUv2Depth40Dataset``::

    <out>/{train,test}/image/<n>.png     uint8 colour (480 x 640)
    <out>/{train,test}/depth/<n>.png     uint16 millimetres, 0 missing
    <out>/{train,test}/label40/<n>.png   uint8 class 1..40, 0 unlabelled
    <out>/{train,test}/label4/<n>.png    uint8 class 1..4, 0 unlabelled
                                         (only with --label4)

``<n>`` is the image's 1-based index in the .mat file. Depth (``--fill``):
``mask`` writes the raw Kinect depth (``rawDepths``) with its holes as 0
(the loaders leave them out); ``colorization`` fills the holes of
``rawDepths`` with :func:`~mtlw.datasets.depth_fill.fill_depth_colorization`
(the NYU toolbox's method; 10-20 s per image on one CPU core);
``provided`` writes the file's ``depths``, filled by the dataset's authors
with that toolbox. ``--label4`` also writes the 4 structure classes of
Silberman et al. (ground, structure, furniture, props) through the 40 -> 4
table of :func:`~mtlw.datasets.nyuv2_depth40.load_class4_mapping`; the
loader reads the same classes from ``label40`` with ``num_classes=4``.

Example::

    python tools/dataset_converters/nyuv2_40.py nyu_depth_v2_labeled.mat \\
        --splits splits.mat --class-mapping classMapping40.mat \\
        --out data/nyuv2_40

See docs/datasets.md#nyuv2-40-classes.
"""
import os
import os.path as osp
from argparse import Namespace
from typing import Dict, List, Optional

import cv2
import numpy as np

from mtlw.datasets.converter_utils import (FileSpec, MatFile, converter_parser,
                                           run_converter, split_folder_specs)
from mtlw.datasets.depth_fill import fill_depth_colorization
from mtlw.datasets.nyuv2_depth40 import (CLASSES, NYUv2Depth40Dataset,
                                         load_class4_mapping)
from mtlw.datasets.utils import DataFileError

SPLIT_KEYS = dict(train='trainNdxs', test='testNdxs')
OFFICIAL = dict(train=795, test=654)
NUM_RAW_CLASSES = 894
DEPTH_KEYS = dict(mask='rawDepths', colorization='rawDepths',
                  provided='depths')
FOLDERS = ('image', 'depth', 'label40')


def load_class_mapping(path: str, key: str = 'mapClass') -> np.ndarray:
    """A lookup table raw class (0..894) -> 40-class label (0..40).

    Args:
        path (str): ``classMapping40.mat``.
        key (str): Its variable holding the 894 targets.

    Returns:
        np.ndarray: (895,) uint8, entry 0 (unlabelled) is 0.

    Raises:
        DataFileError: the variable does not hold 894 values in 1..40.
    """
    with MatFile(path) as mat:
        targets = mat.read(key).ravel()
    if targets.size != NUM_RAW_CLASSES or targets.min() < 1 or \
            targets.max() > len(CLASSES):
        raise DataFileError(
            f'{path!r}: {key} expected {NUM_RAW_CLASSES} values in 1..'
            f'{len(CLASSES)}, found {targets.size} in {targets.min()}..'
            f'{targets.max()}')
    return np.concatenate([[0], targets]).astype(np.uint8)


def load_splits(path: str, count: int) -> Dict[str, List[int]]:
    """The official split: 1-based image indices by split name.

    Raises:
        DataFileError: an index is outside ``1..count`` or the splits
            overlap.
    """
    with MatFile(path) as mat:
        splits = {name: [int(i) for i in mat.read(key).ravel()]
                  for name, key in SPLIT_KEYS.items()}
    for name, indices in splits.items():
        bad = [i for i in indices if not 1 <= i <= count]
        if bad:
            raise DataFileError(f'{path!r}: {SPLIT_KEYS[name]} indices '
                                f'must be in 1..{count}, found {bad[:5]}')
    if set(splits['train']) & set(splits['test']):
        raise DataFileError(f'{path!r}: the train and test indices overlap')
    return splits


def depth_to_png(depth: np.ndarray) -> np.ndarray:
    """Metres to uint16 millimetres (0 stays 0, missing)."""
    millimetres = np.rint(np.nan_to_num(depth) * 1000)
    return np.clip(millimetres, 0, np.iinfo(np.uint16).max).astype(np.uint16)


def convert_sample(mat: MatFile, number: int, mapping: np.ndarray,
                   fill: str, label4: bool = False) -> Dict[str, np.ndarray]:
    """The three images of sample ``number`` (1-based), ready to write
    (and its 4-class labels with ``label4``)."""
    index = number - 1
    rgb = mat.read('images', index)
    raw_labels = mat.read('labels', index)
    if raw_labels.max() > NUM_RAW_CLASSES:
        raise DataFileError(f'{mat.path!r}: labels of image {number} go up '
                            f'to {raw_labels.max()}, above {NUM_RAW_CLASSES}')
    depth = mat.read(DEPTH_KEYS[fill], index).astype(np.float64)
    if fill == 'colorization':
        depth = fill_depth_colorization(rgb, depth)
    arrays = dict(image=np.ascontiguousarray(rgb[..., ::-1]),
                  depth=depth_to_png(depth),
                  label40=mapping[raw_labels.astype(np.int64)])
    if label4:
        arrays['label4'] = load_class4_mapping()[arrays['label40']]
    return arrays


def convert(args: Namespace) -> Dict[str, object]:
    """Write both splits; returns the counts and the image size."""
    mapping = load_class_mapping(args.class_mapping)
    with MatFile(args.source) as mat:
        height, width, _, count = mat.shape('images')
        splits = load_splits(args.splits, count)
        for split, numbers in splits.items():
            for folder in FOLDERS + (('label4', ) if args.label4 else ()):
                os.makedirs(osp.join(args.out, split, folder), exist_ok=True)
            for number in numbers:
                arrays = convert_sample(mat, number, mapping, args.fill,
                                        args.label4)
                for folder, array in arrays.items():
                    cv2.imwrite(osp.join(args.out, split, folder,
                                         f'{number}.png'), array)
    return dict(counts={name: len(v) for name, v in splits.items()},
                size=(height, width))


def specs(args: Namespace, converted: Optional[dict]) -> List[FileSpec]:
    """Every split's three folders: same samples, sizes, dtypes, ranges."""
    return split_folder_specs(
        NYUv2Depth40Dataset, tuple(SPLIT_KEYS),
        converted['counts'] if converted else None,
        converted['size'] if converted else None, OFFICIAL)


def main(argv: Optional[List[str]] = None) -> list:
    parser = converter_parser(
        'NYUv2 with 40 classes from the labelled .mat (see the docstring)',
        'nyu_depth_v2_labeled.mat', 'data/nyuv2_40')
    parser.add_argument('--splits', help='splits.mat (official split)')
    parser.add_argument('--class-mapping',
                        help='classMapping40.mat (894 -> 40 classes)')
    parser.add_argument('--fill', default='mask', choices=sorted(DEPTH_KEYS),
                        help='missing depth: mask (0), colorization, or the '
                        "file's provided filled depths (default mask)")
    parser.add_argument('--label4', action='store_true',
                        help='also write label4/: the 4 structure classes '
                        '(ground, structure, furniture, props)')
    args = parser.parse_args(argv)
    if not args.check_only and not (args.splits and args.class_mapping):
        parser.error('--splits and --class-mapping are needed to convert')
    return run_converter(args, convert, specs, 'NYUv2 (40 classes)')


if __name__ == '__main__':
    main()
