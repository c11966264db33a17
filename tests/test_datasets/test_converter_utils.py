"""The checks and the summary table the dataset converters share."""
import argparse
import sys

import cv2
import numpy as np
import pytest
from scipy.io import savemat

from mtlw.datasets.converter_utils import (HDF5_SIGNATURE, FileSpec, MatFile,
                                           OutputRow, check_output,
                                           format_table, is_hdf5,
                                           run_converter, sample_keys)
from mtlw.datasets.utils import DataFileError


def _write(root, split, name, array):
    folder = root / split
    folder.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(folder / name), array)


@pytest.fixture
def tree(tmp_path):
    for index, value in enumerate((3, 7)):
        _write(tmp_path, 'image', f'{index}.png',
               np.full((4, 5, 3), value, np.uint8))
        _write(tmp_path, 'label', f'{index}_label.png',
               np.full((4, 5), value, np.uint8))
    _write(tmp_path, 'label', '2_label.png', np.full((2, 5), 1, np.uint8))
    return tmp_path


def test_sample_keys_are_the_wildcard_parts(tree):
    keys = sample_keys(str(tree), 'label/*_label.png')
    assert sorted(keys) == [('0', ), ('1', ), ('2', )]
    assert keys[('1', )].endswith('label/1_label.png')


def test_rows_count_dtype_sizes_values(tree):
    rows = check_output(str(tree), [
        FileSpec('image/*.png', dict(dtype=np.uint8, channels=3), 2,
                 official=2),
        FileSpec('label/*_label.png', dict(values=(0, 9)), official=10)])
    assert rows[0] == OutputRow('image/*.png', 2, 'uint8', '4x5', '3..7',
                                'official')
    assert rows[1] == OutputRow('label/*_label.png', 3, 'uint8', '2x5, 4x5',
                                '1..7', 'subset of the official 10')
    table = format_table('Title', rows).splitlines()
    assert table[0] == 'Title'
    assert table[1].split() == ['files', 'count', 'dtype', 'size', '(HxW)',
                                'values', 'note']
    assert table[3].split()[:5] == ['image/*.png', '2', 'uint8', '4x5',
                                    '3..7']


def test_errors_name_the_pattern_or_file(tree):
    with pytest.raises(DataFileError, match=r'image/\*.png.*expected 3 '
                       'files, found 2'):
        check_output(str(tree), [FileSpec('image/*.png', count=3)])
    with pytest.raises(DataFileError, match=r'2_label.png.*size'):
        check_output(str(tree), [FileSpec('label/*.png', dict(size=(4, 5)))])
    with pytest.raises(FileNotFoundError, match=r"partner 'image/\*.png'.*"
                       r"image/2.png"):
        check_output(str(tree), [FileSpec('label/*_label.png', group='a'),
                                 FileSpec('image/*.png', group='a')])
    with pytest.raises(FileNotFoundError, match=r'no file matches.*depth'):
        check_output(str(tree), [FileSpec('depth/*.png')])
    # max_read decodes fewer files: the bad third one is not read
    rows = check_output(str(tree), [FileSpec('label/*.png', dict(
        size=(4, 5)))], max_read=2)
    assert rows[0].count == 3


def test_run_converter_checks_after_converting(tree, capsys):
    args = argparse.Namespace(source=str(tree), out=None, check_only=False,
                              max_read=None)
    calls = []

    def convert(args):
        calls.append(args.out)
        return 2

    rows = run_converter(args, convert, lambda args, n: [
        FileSpec('image/*.png', count=n)], 'Demo')
    assert calls == [str(tree)] and rows[0].count == 2
    assert capsys.readouterr().out.startswith(f'Demo: {tree}\n')
    args.check_only = True
    with pytest.raises(DataFileError, match='expected 5 files'):
        run_converter(args, convert, lambda args, n: [
            FileSpec('image/*.png', count=n or 5)], 'Demo')
    assert len(calls) == 1


def test_mat_file_axes_in_matlab_order(tmp_path):
    stack = np.arange(2 * 3 * 4).reshape(2, 3, 4)  # H x W x N
    savemat(tmp_path / 'v5.mat', dict(stack=stack))
    with MatFile(str(tmp_path / 'v5.mat')) as mat:
        assert mat.shape('stack') == (2, 3, 4)
        np.testing.assert_array_equal(mat.read('stack', 1), stack[..., 1])
        with pytest.raises(KeyError, match=r"v5.mat.*no variable 'other'"):
            mat.read('other')
    h5py = pytest.importorskip('h5py')
    with h5py.File(tmp_path / 'v73.mat', 'w') as file:
        file['stack'] = stack.T  # HDF5 stores MATLAB's axes reversed
    with MatFile(str(tmp_path / 'v73.mat')) as mat:
        assert mat.shape('stack') == (2, 3, 4)
        np.testing.assert_array_equal(mat.read('stack', 1), stack[..., 1])
        np.testing.assert_array_equal(mat.read('stack'), stack)


def test_v73_without_h5py_says_what_to_install(tmp_path, monkeypatch):
    path = tmp_path / 'v73.mat'
    path.write_bytes(b'MATLAB 7.3 MAT-file'.ljust(512) + HDF5_SIGNATURE +
                     bytes(64))
    assert is_hdf5(str(path))
    monkeypatch.setitem(sys.modules, 'h5py', None)
    with pytest.raises(ImportError, match=r'v73.mat.*pip install h5py'):
        MatFile(str(path))
