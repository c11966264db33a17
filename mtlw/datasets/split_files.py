"""Split lists shipped with mtlw (``mtlw/datasets/splits/``).

A dataset's ``ann_file`` may name one as ``'split:<folder>/<file>'`` (e.g.
``'split:kitti/eigen_benchmark_test_files.txt'``); it resolves to the file
inside the installed package, whatever the data root. The folder's README
names the source of every list.
"""
import os
import os.path as osp
from typing import List

#: Folder of the packaged split lists.
SPLITS_DIR = osp.join(osp.dirname(osp.abspath(__file__)), 'splits')
#: Prefix of an ``ann_file`` that names a packaged list.
SPLIT_PREFIX = 'split:'


def packaged_split_files() -> List[str]:
    """Names (``<folder>/<file>``) of the packaged lists, sorted."""
    names = []
    for folder, _, files in os.walk(SPLITS_DIR):
        names += [osp.relpath(osp.join(folder, name), SPLITS_DIR).replace(
            os.sep, '/') for name in files if name.endswith('.txt')]
    return sorted(names)


def resolve_split_file(ann_file: str) -> str:
    """The path of ``ann_file``: a packaged list for ``'split:<name>'``,
    ``ann_file`` itself otherwise.

    Args:
        ann_file (str): ``'split:<folder>/<file>'`` or a path.

    Returns:
        str: An absolute path for a packaged list, else ``ann_file``.
    """
    if not ann_file.startswith(SPLIT_PREFIX):
        return ann_file
    name = ann_file[len(SPLIT_PREFIX):]
    path = osp.join(SPLITS_DIR, *name.split('/'))
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'ann_file={ann_file!r}: no packaged split list {name!r} in '
            f'{SPLITS_DIR}; packaged lists: {packaged_split_files()}')
    return path
