"""NYUv2 in MTAN's preprocessed layout: check what ``NYUv2MTANDataset``
reads (MTAN's download is used as it is; nothing is converted)::

    <root>/{train,val}/image/<i>.npy    (288, 384, 3) float RGB in [0, 1]
    <root>/{train,val}/label/<i>.npy    (288, 384) class 0..12, -1 unlabelled
    <root>/{train,val}/depth/<i>.npy    (288, 384[, 1]) metres, 0 invalid
    <root>/{train,val}/normal/<i>.npy   (288, 384, 3) unit normals

Example::

    python tools/dataset_converters/nyuv2_mtan.py data/nyuv2

See docs/datasets.md#nyuv2.
"""
from argparse import Namespace
from typing import List, Optional

from mtlw.datasets.converter_utils import (FileSpec, converter_parser,
                                           run_converter)
from mtlw.datasets.nyuv2_mtan import CLASSES

SPLITS = ('train', 'val')
OFFICIAL = dict(train=795, val=654)
SIZE = (288, 384)


def specs(args: Namespace, converted: None) -> List[FileSpec]:
    """The four arrays of every sample, by split."""
    size = tuple(args.size)
    checks = dict(image=dict(channels=3, size=size, values=(0, 1)),
                  label=dict(channels=1, size=size,
                             values=(-1, len(CLASSES) - 1)),
                  depth=dict(channels=1, size=size),
                  normal=dict(channels=3, size=size))
    return [FileSpec(f'{split}/{folder}/*.npy', folder_checks, group=split,
                     official=OFFICIAL[split])
            for split in args.splits
            for folder, folder_checks in checks.items()]


def main(argv: Optional[List[str]] = None) -> list:
    parser = converter_parser('Check the NYUv2 (MTAN) layout (see the '
                              'docstring)', 'the NYUv2 root')
    parser.add_argument('--splits', nargs='+', default=list(SPLITS),
                        choices=SPLITS)
    parser.add_argument('--size', nargs=2, type=int, default=list(SIZE),
                        metavar=('H', 'W'),
                        help='size of every array (default 288 384)')
    return run_converter(parser.parse_args(argv), None, specs, 'NYUv2 (MTAN)')


if __name__ == '__main__':
    main()
