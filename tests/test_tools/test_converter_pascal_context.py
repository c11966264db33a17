"""tools/dataset_converters/pascal_context.py on a tiny fixture."""
import json
import sys
import types

import cv2
import numpy as np
import pytest
from scipy.io import savemat

from mtlw.datasets import PascalContext59Dataset
from mtlw.datasets.transforms import CheckedLoadAnnotations
from mtlw.datasets.utils import DataFileError
from tests._fixtures.converters import load_converter

IDS = dict(train=['2008_000002', '2008_000003'], val=['2008_000007'])
SHAPE = (5, 6)


@pytest.fixture(scope='module')
def converter():
    return load_converter('pascal_context')


def _masks():
    """459-class maps: aeroplane (2), mountain (259), tvmonitor (427),
    background (0) and a class that is not kept (3)."""
    base = np.zeros(SHAPE, np.int64)
    base[0] = 2
    base[1] = 259
    base[2, :3] = 427
    masks = {}
    for number, image_id in enumerate(sum(IDS.values(), [])):
        masks[image_id] = base.copy()
        masks[image_id][4, 0] = 3 if number == 0 else 0
    return masks


@pytest.fixture
def voc(tmp_path):
    root = tmp_path / 'VOC2010'
    (root / 'JPEGImages').mkdir(parents=True)
    images = []
    for split, ids in IDS.items():
        for image_id in ids:
            cv2.imwrite(str(root / 'JPEGImages' / f'{image_id}.jpg'),
                        np.full((*SHAPE, 3), 128, np.uint8))
            images.append(dict(file_name=f'{image_id}.jpg', phase=split))
    annotations = tmp_path / 'trainval_merged.json'
    annotations.write_text(json.dumps(dict(images=images)))
    mats = tmp_path / 'trainval'
    mats.mkdir()
    for image_id, mask in _masks().items():
        savemat(mats / f'{image_id}.mat',
                dict(LabelMap=mask.astype(np.uint16)))
    return root, annotations, mats


def _expected(mask):
    """59-class labels by name: 1 + the class's index in mmseg's list."""
    names = PascalContext59Dataset.METAINFO['classes']
    table = {source: names.index(name) + 1 for source, name in
             ((2, 'aeroplane'), (259, 'mountain'), (427, 'tvmonitor'))}
    return np.vectorize(lambda i: table.get(i, 0))(mask)


def test_mat_labels_are_8bit_and_load(converter, voc, capsys):
    root, annotations, mats = voc
    rows = converter.main([str(annotations), '--out', str(root),
                           '--mat-dir', str(mats)])
    assert rows[0].count == 3 and rows[0].dtypes == 'uint8'
    assert 'subset of the official 10103' in capsys.readouterr().out
    for image_id, mask in _masks().items():
        png = cv2.imread(str(root / 'SegmentationClassContext' /
                             f'{image_id}.png'), cv2.IMREAD_UNCHANGED)
        assert png.dtype == np.uint8
        np.testing.assert_array_equal(png, _expected(mask))
    lines = (root / 'ImageSets' / 'SegmentationContext' / 'train.txt'
             ).read_text().split()
    assert lines == IDS['train']
    dataset = PascalContext59Dataset(
        data_root=str(root), ann_file='ImageSets/SegmentationContext/val.txt',
        data_prefix=dict(img_path='JPEGImages',
                         seg_map_path='SegmentationClassContext'))
    assert len(dataset) == 1


def test_detail_masks_strict_as_mmseg(converter, voc, monkeypatch):
    root, annotations, _ = voc
    masks = _masks()

    class FakeDetail:
        def __init__(self, json_path, image_dir, phase):
            with open(json_path) as file:
                self.images = json.load(file)['images']

        def getImgs(self):  # noqa: N802 (the Detail API's name)
            return self.images

        def getMask(self, image):  # noqa: N802
            return masks[image['file_name'][:-4]].astype(float)

    monkeypatch.setitem(sys.modules, 'detail',
                        types.SimpleNamespace(Detail=FakeDetail))
    with pytest.raises(DataFileError, match=r'2008_000002.*\[3\]'):
        converter.main([str(annotations), '--out', str(root)])
    masks['2008_000002'][4, 0] = 0
    converter.main([str(annotations), '--out', str(root)])
    png = cv2.imread(str(root / 'SegmentationClassContext' /
                         '2008_000003.png'), cv2.IMREAD_UNCHANGED)
    np.testing.assert_array_equal(png, _expected(masks['2008_000003']))


def test_missing_and_corrupt_inputs_named(converter, voc):
    root, annotations, mats = voc
    (mats / '2008_000007.mat').write_bytes(b'garbage')
    with pytest.raises(DataFileError, match='2008_000007.mat'):
        converter.main([str(annotations), '--out', str(root), '--mat-dir',
                        str(mats)])
    (root / 'JPEGImages' / '2008_000003.jpg').unlink()
    with pytest.raises(FileNotFoundError, match='2008_000003.jpg'):
        converter.main([str(annotations), '--out', str(root), '--mat-dir',
                        str(mats)])
    with pytest.raises(FileNotFoundError, match='nope.json'):
        converter.main([str(annotations.parent / 'nope.json'), '--out',
                        str(root), '--mat-dir', str(mats)])


def test_check_only_refuses_16bit_labels(converter, voc):
    root, annotations, mats = voc
    converter.main([str(annotations), '--out', str(root), '--mat-dir',
                    str(mats)])
    path = root / 'SegmentationClassContext' / '2008_000002.png'
    cv2.imwrite(str(path), np.ones(SHAPE, np.uint16))
    with pytest.raises(DataFileError,
                       match=r'2008_000002.png.*dtype expected uint8'):
        converter.main([str(annotations), '--out', str(root),
                        '--check-only'])


def test_loader_refuses_16bit_label_png(converter, voc):
    root, annotations, mats = voc
    converter.main([str(annotations), '--out', str(root), '--mat-dir',
                    str(mats)])
    path = str(root / 'SegmentationClassContext' / '2008_000002.png')
    load = CheckedLoadAnnotations(reduce_zero_label=True, num_classes=59)
    results = dict(seg_map_path=path, reduce_zero_label=True, seg_fields=[],
                   ori_shape=SHAPE)
    assert load(dict(results))['gt_seg_map'].dtype == np.uint8
    cv2.imwrite(path, np.full(SHAPE, 257, np.uint16))  # 1 after wrapping
    with pytest.raises(DataFileError, match=r'2008_000002.png.*16-bit'):
        load(dict(results))
