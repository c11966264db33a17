"""tools/dataset_converters/nyuv2_40.py on tiny .mat fixtures."""
import numpy as np
import pytest
from scipy.io import savemat

from mtlw.datasets import NYUv2Depth40Dataset
from mtlw.datasets.utils import DataFileError, read_image
from tests._fixtures.converters import load_converter

H, W, N = 6, 8, 5
TRAIN, TEST = [1, 3, 4], [2, 5]


@pytest.fixture(scope='module')
def converter():
    return load_converter('nyuv2_40')


def _arrays():
    """MATLAB-order arrays of a tiny labelled set (H x W x 3 x N, ...)."""
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (H, W, 3, N), dtype=np.uint8)
    raw = rng.uniform(0.5, 9.0, (H, W, N)).astype(np.float32)
    raw[0, :2] = 0  # holes
    filled = np.where(raw > 0, raw, 1.25).astype(np.float32)
    labels = rng.integers(0, 895, (H, W, N)).astype(np.uint16)
    labels[1, 1] = 0
    return dict(images=images, rawDepths=raw, depths=filled, labels=labels)


def _write_v73(path, arrays):
    """As MATLAB v7.3 stores them: HDF5 with the axes reversed."""
    h5py = pytest.importorskip('h5py')
    with h5py.File(path, 'w') as file:
        for key, array in arrays.items():
            file[key] = np.ascontiguousarray(array.T)


@pytest.fixture
def sources(tmp_path):
    arrays = _arrays()
    mapping = (np.arange(894) % 40 + 1).astype(np.float64)[None]
    savemat(tmp_path / 'classMapping40.mat', dict(mapClass=mapping))
    savemat(tmp_path / 'splits.mat',
            dict(trainNdxs=np.array(TRAIN, float)[:, None],
                 testNdxs=np.array(TEST, float)[:, None]))
    return tmp_path, arrays, mapping.ravel()


def _run(converter, tmp_path, source, *extra):
    out = tmp_path / 'out'
    rows = converter.main([str(source), '--splits',
                           str(tmp_path / 'splits.mat'), '--class-mapping',
                           str(tmp_path / 'classMapping40.mat'), '--out',
                           str(out), *extra])
    return out, rows


@pytest.mark.parametrize('writer', ['v73', 'v5'])
def test_end_to_end_loads_with_the_loader(converter, sources, writer,
                                          capsys):
    tmp_path, arrays, mapping = sources
    source = tmp_path / 'labeled.mat'
    if writer == 'v73':
        _write_v73(source, arrays)
    else:
        savemat(source, arrays)
    out, rows = _run(converter, tmp_path, source)
    assert [row.count for row in rows] == [3, 3, 3, 2, 2, 2]
    assert 'subset of the official 795' in capsys.readouterr().out
    dataset = NYUv2Depth40Dataset(str(out), split='test')
    assert len(dataset) == 2
    sample = dataset.get_data_info(1)  # file 5.png, image 5 of the .mat
    index = TEST[1] - 1
    np.testing.assert_array_equal(sample['img'][..., ::-1],
                                  arrays['images'][..., index])
    raw = arrays['labels'][..., index].astype(int)
    want = np.where(raw == 0, 255, mapping[np.maximum(raw, 1) - 1] - 1)
    np.testing.assert_array_equal(sample['gt_seg_map'], want)
    depth = np.rint(arrays['rawDepths'][..., index] * 1000) / 1000
    np.testing.assert_allclose(sample['gt_depth_map'], depth, atol=1e-6)
    assert (sample['gt_depth_map'][0, :2] == 0).all()


def test_fill_options(converter, sources):
    tmp_path, arrays, _ = sources
    source = tmp_path / 'labeled.mat'
    savemat(source, arrays)
    out, _ = _run(converter, tmp_path, source, '--fill', 'provided')
    provided = read_image(str(out / 'train' / 'depth' / '1.png'),
                          'unchanged')
    assert provided[0, 0] == 1250
    out, _ = _run(converter, tmp_path, source, '--fill', 'colorization')
    filled = read_image(str(out / 'train' / 'depth' / '1.png'), 'unchanged')
    assert (filled > 0).all()
    known = arrays['rawDepths'][..., 0] > 0
    np.testing.assert_array_equal(
        filled[known], np.rint(arrays['rawDepths'][..., 0] * 1000)[known])


def test_missing_and_corrupt_inputs_named(converter, sources):
    tmp_path, arrays, _ = sources
    with pytest.raises(FileNotFoundError, match='nope.mat'):
        _run(converter, tmp_path, tmp_path / 'nope.mat')
    corrupt = tmp_path / 'corrupt.mat'
    corrupt.write_bytes(b'not a mat file at all')
    with pytest.raises(DataFileError, match='corrupt.mat'):
        _run(converter, tmp_path, corrupt)
    source = tmp_path / 'labeled.mat'
    savemat(source, {k: v for k, v in arrays.items() if k != 'labels'})
    with pytest.raises(KeyError, match=r"labeled.mat.*no variable 'labels'"):
        _run(converter, tmp_path, source)
    savemat(tmp_path / 'classMapping40.mat', dict(mapClass=np.ones(10)))
    with pytest.raises(DataFileError, match='classMapping40.mat.*894'):
        _run(converter, tmp_path, source)


def test_check_only_names_the_bad_file(converter, sources):
    tmp_path, arrays, _ = sources
    source = tmp_path / 'labeled.mat'
    savemat(source, arrays)
    out, _ = _run(converter, tmp_path, source)
    converter.main([str(source), '--out', str(out), '--check-only'])
    bad = out / 'test' / 'label40' / '2.png'
    bad.write_bytes(b'')
    with pytest.raises(DataFileError, match='test/label40/2.png'):
        converter.main([str(source), '--out', str(out), '--check-only'])
    bad.unlink()
    with pytest.raises(FileNotFoundError, match=r"partner 'test/label40"):
        converter.main([str(source), '--out', str(out), '--check-only'])


def test_label4_option_writes_the_structure_classes(converter, sources):
    tmp_path, arrays, _ = sources
    source = tmp_path / 'labeled.mat'
    savemat(source, arrays)
    out, _ = _run(converter, tmp_path, source)
    assert not (out / 'train' / 'label4').exists()
    out, _ = _run(converter, tmp_path, source, '--label4')
    label40 = read_image(str(out / 'test' / 'label40' / '2.png'), 'unchanged')
    label4 = read_image(str(out / 'test' / 'label4' / '2.png'), 'unchanged')
    # ground: floor (2), floor mat (20); structure: wall, door, window,
    # blinds, curtain, ceiling, shower curtain, whiteboard, otherstructure
    ground, structure = {2, 20}, {1, 8, 9, 13, 16, 22, 28, 30, 38}
    furniture = {3, 4, 5, 6, 7, 10, 12, 14, 15, 17, 24, 32, 33, 34, 36, 39}
    want = np.full(label40.shape, 4)
    for value, group in ((1, ground), (2, structure), (3, furniture)):
        want[np.isin(label40, list(group))] = value
    want[label40 == 0] = 0
    np.testing.assert_array_equal(label4, want)
    assert {0, 1, 2, 3, 4} >= set(np.unique(label4)) and label4.max() == 4
