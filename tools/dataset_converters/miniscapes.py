"""Miniscapes: check the layout ``MiniscapesDataset`` reads (the download
is used as it is; nothing is converted)::

    <root>/{train,val,test}/rgb/<i>.jpg      uint8 colour
    <root>/{train,val,test}/semseg/<i>.png   uint8 19 classes, 255 ignored
    <root>/{train,val,test}/depth/<i>.png    uint8 inverse depth, 0 invalid

Example::

    python tools/dataset_converters/miniscapes.py data/miniscapes

See docs/datasets.md#miniscapes.
"""
from argparse import Namespace
from typing import List, Optional

from mtlw.datasets.converter_utils import (FileSpec, converter_parser,
                                           run_converter, split_folder_specs)
from mtlw.datasets.miniscapes import MiniscapesDataset


def specs(args: Namespace, converted: None) -> List[FileSpec]:
    """The loader's files and checks, per split."""
    return split_folder_specs(MiniscapesDataset, args.splits)


def main(argv: Optional[List[str]] = None) -> list:
    parser = converter_parser('Check the Miniscapes layout (see the '
                              'docstring)', 'the Miniscapes root')
    parser.add_argument('--splits', nargs='+',
                        default=list(MiniscapesDataset.SPLITS),
                        choices=MiniscapesDataset.SPLITS)
    return run_converter(parser.parse_args(argv), None, specs, 'Miniscapes')


if __name__ == '__main__':
    main()
