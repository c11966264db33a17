"""Taskonomy: check the per-building layout ``TaskonomyDataset`` reads.

The Taskonomy downloads (one archive per building and domain) extract to
``<root>/<building>/<domain>/point_<p>_view_<v>_domain_<domain>.png``;
nothing is converted. For every requested task the check requires a file
for every RGB view of the building, with the loader's dtype and channels
(depth: uint16 in 1/512 m; normals: 3-channel uint8; semantics: uint8).
The views of the study's 1/100 split are listed by the split files shipped
with the configs. Reading every file of the full dataset takes long: use
``--max-read`` to decode a sample of each kind (all are counted).

Example::

    python tools/dataset_converters/taskonomy.py data/taskonomy \\
        --tasks depth normal edge2d keypoints2d --max-read 1000

See docs/datasets.md#taskonomy.
"""
import os
import os.path as osp
from argparse import Namespace
from typing import List, Optional

from mtlw.datasets.converter_utils import (IMAGE_CHECKS, FileSpec,
                                           converter_parser, require,
                                           run_converter)
from mtlw.datasets.taskonomy import CHECKS, DOMAINS


def buildings(args: Namespace) -> List[str]:
    """The requested buildings, or every folder of the root."""
    if args.buildings:
        return args.buildings
    root = require(args.out, 'Taskonomy root')
    return sorted(name for name in os.listdir(root)
                  if osp.isdir(osp.join(root, name, 'rgb')))


def specs(args: Namespace, converted: None) -> List[FileSpec]:
    """RGB views and one file per view and task, per building."""
    result = []
    for building in buildings(args):
        result.append(FileSpec(f'{building}/rgb/*_domain_rgb.png',
                               IMAGE_CHECKS, group=building))
        for task in args.tasks:
            domain = DOMAINS[task][0]
            result.append(FileSpec(
                f'{building}/{domain}/*_domain_{domain}.png',
                CHECKS.get(task, {}), group=building))
    if not result:
        raise FileNotFoundError(f'no building folder with rgb/ under '
                                f'{args.out!r}')
    return result


def main(argv: Optional[List[str]] = None) -> list:
    parser = converter_parser('Check the Taskonomy layout (see the '
                              'docstring)', 'the Taskonomy root')
    parser.add_argument('--tasks', nargs='+', default=['depth', 'normal'],
                        choices=sorted(DOMAINS),
                        help='tasks whose files every view needs')
    parser.add_argument('--buildings', nargs='*', default=[],
                        help='buildings to check (default all)')
    return run_converter(parser.parse_args(argv), None, specs, 'Taskonomy')


if __name__ == '__main__':
    main()
