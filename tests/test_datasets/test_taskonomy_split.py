"""The 1/100 Taskonomy subset builder."""
import os

import pytest

from mtlw.datasets.taskonomy_split import (build_taskonomy_split,
                                           subsample_views, write_view_list)
from mtlw.registry import DATASETS
from tests._fixtures.pixelwise_fixtures import write_taskonomy


def touch_views(root, building, names):
    folder = root / building / 'rgb'
    folder.mkdir(parents=True)
    for name in names:
        (folder / f'{name}_domain_rgb.png').touch()
    (folder / 'notes.txt').touch()  # not a view


def test_every_hundredth_view_in_sorted_order(tmp_path):
    touch_views(tmp_path, 'beta', [f'point_{p}_view_0' for p in range(150)])
    touch_views(tmp_path, 'alpha', [f'point_{p}_view_1' for p in range(70)])
    views = build_taskonomy_split(str(tmp_path), ['beta', 'alpha'], 100)
    # beta first (the order given), its views sorted as text: point_0,
    # point_1, point_10, point_100, ...; 150 + 70 views -> indices 0, 100, 200
    beta = sorted(f'point_{p}_view_0' for p in range(150))
    alpha = sorted(f'point_{p}_view_1' for p in range(70))
    assert views == [('beta', beta[0]), ('beta', beta[100]),
                     ('alpha', alpha[50])]
    assert build_taskonomy_split(str(tmp_path), ['alpha'], 1) == [
        ('alpha', name) for name in alpha]


def test_subset_sizes_and_errors(tmp_path):
    # the supplement's 2,762 / 548 views are 1/100 of 276,1xx / 54,7xx views
    assert len(subsample_views([('b', str(i)) for i in range(276150)])) == \
        2762
    assert len(subsample_views([('b', str(i)) for i in range(54701)])) == 548
    for ratio in (0, 2.5, True):
        with pytest.raises(ValueError, match='ratio must be an integer >= 1'):
            subsample_views([], ratio)
    with pytest.raises(ValueError, match='at least one building'):
        build_taskonomy_split(str(tmp_path), [])
    with pytest.raises(FileNotFoundError, match="nowhere/rgb' does not"):
        build_taskonomy_split(str(tmp_path), ['nowhere'])


def test_written_list_loads_with_its_header(tmp_path, mmseg_scope):
    write_taskonomy(str(tmp_path), 'alpha', ['point_0_view_0',
                                             'point_1_view_0'])
    views = build_taskonomy_split(str(tmp_path), ['alpha'], ratio=2)
    path = str(tmp_path / 'train.txt')
    write_view_list(path, views, ['Taskonomy 1/2, test'])
    with open(path) as file:
        assert file.read() == ('# Taskonomy 1/2, test\n'
                               'alpha point_0_view_0\n')
    dataset = DATASETS.build(dict(type='TaskonomyDataset',
                                  data_root=str(tmp_path), tasks=['depth'],
                                  ann_file='train.txt'))
    assert len(dataset) == 1
    assert os.path.basename(dataset.get_data_info(0)['img_path']) == \
        'point_0_view_0_domain_rgb.png'
