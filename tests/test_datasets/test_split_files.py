"""The split lists shipped in mtlw/datasets/splits/."""
import ast
import fnmatch
import os.path as osp
import re

import pytest

from mtlw.datasets.kitti_stereo import read_kitti_list, split_kitti_path
from mtlw.datasets.split_files import (SPLITS_DIR, packaged_split_files,
                                       resolve_split_file)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
COUNTS = {'kitti/eigen_test_files.txt': 697,
          'kitti/eigen_benchmark_test_files.txt': 652}
LINE = re.compile(r'^2011_(09_2[689]|09_30|10_03)/2011_\1_drive_\d{4}_sync '
                  r'\d{10} l$')


def read(name):
    with open(resolve_split_file(f'split:{name}')) as file:
        return file.read().splitlines()


def test_every_list_is_known_counted_and_names_its_source():
    assert packaged_split_files() == sorted(COUNTS)
    for name, count in COUNTS.items():
        lines = read(name)
        header = [line for line in lines if line.startswith('#')]
        assert lines[:len(header)] == header and 'Source:' in ' '.join(header)
        rows = lines[len(header):]
        assert len(rows) == len(set(rows)) == count, name
        bad = [row for row in rows if not LINE.match(row)]
        assert not bad, (name, bad[:3])
        pairs = read_kitti_list(osp.join(SPLITS_DIR, name), '.png')
        assert len(pairs) == count
        assert all(split_kitti_path(left)[2] == right.split('/')[-1][:-4]
                   for left, right in pairs)


def test_benchmark_frames_are_the_eigen_frames_with_improved_depth():
    frames = [row for row in read('kitti/eigen_test_files.txt')
              if not row.startswith('#')]
    benchmark = [row for row in read('kitti/eigen_benchmark_test_files.txt')
                 if not row.startswith('#')]
    remaining = iter(frames)  # a subsequence: same order
    assert all(row in remaining for row in benchmark)
    assert len({row.split()[0] for row in frames}) == 28  # drives
    assert frames[0] == benchmark[0] == \
        '2011_09_26/2011_09_26_drive_0002_sync 0000000069 l'
    # the improved maps skip the first and last 5 frames of each drive
    dropped = set(frames) - set(benchmark)
    assert '2011_09_26/2011_09_26_drive_0048_sync 0000000004 l' in dropped
    assert '2011_09_26/2011_09_26_drive_0048_sync 0000000005 l' not in dropped


def test_split_names_resolve_or_fail_clearly():
    assert resolve_split_file('eigen_test_files.txt') == \
        'eigen_test_files.txt'
    with pytest.raises(FileNotFoundError,
                       match=r"ann_file='split:kitti/eigen_val.txt': no "
                             r"packaged split list .*packaged lists: "
                             r"\['kitti/eigen_benchmark_test_files.txt'"):
        resolve_split_file('split:kitti/eigen_val.txt')


def test_setup_installs_the_lists():
    with open(osp.join(REPO, 'setup.py')) as file:
        tree = ast.parse(file.read())
    setup = next(node for node in ast.walk(tree)
                 if isinstance(node, ast.Call)
                 and getattr(node.func, 'id', '') == 'setup')
    package_data = ast.literal_eval(next(
        k.value for k in setup.keywords if k.arg == 'package_data'))
    patterns = package_data['mtlw.datasets']
    for name in packaged_split_files() + ['README.md']:
        assert any(fnmatch.fnmatch(f'splits/{name}', p) for p in patterns), \
            name
