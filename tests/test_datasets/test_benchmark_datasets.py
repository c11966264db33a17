"""Loaders of the multi-task benchmarks on tiny fake layouts."""
import os

import numpy as np
import pytest

from mtlw.datasets import CityscapesMTANDataset, NYUDMTDataset, PascalMTDataset
from mtlw.datasets.pascal_mt import label_boundaries
from tests._fixtures.benchmark_fixtures import (write_cityscapes_mtan,
                                                write_nyud_mt, write_pascal_mt)


def test_cityscapes_mtan_samples(tmp_path):
    written = write_cityscapes_mtan(str(tmp_path), 'val', count=3)
    dataset = CityscapesMTANDataset(data_root=str(tmp_path), split='val')
    assert len(dataset) == 3
    info = dataset.get_data_info(2)
    image = written['image'][2]
    assert np.array_equal(info['img'][..., 0],  # BGR: blue first
                          np.rint(image[..., 2] * 255).astype(np.uint8))
    label = written['label'][2]
    assert np.all(info['gt_seg_map'][label < 0] == 255)
    assert np.array_equal(info['gt_seg_map'][label >= 0],
                          label[label >= 0].astype(np.uint8))
    assert np.allclose(info['gt_depth_map'], written['depth'][2][..., 0])
    assert dataset.metainfo['classes'][-1] == 'vehicle'


def test_cityscapes_mtan_label_folder_and_errors(tmp_path):
    write_cityscapes_mtan(str(tmp_path), 'train', label_folder='label_7')
    with pytest.raises(FileNotFoundError, match=r"train/label' does not"):
        CityscapesMTANDataset(data_root=str(tmp_path))
    dataset = CityscapesMTANDataset(data_root=str(tmp_path),
                                    label_folder='label_7')
    assert dataset.get_data_info(0)['gt_seg_map'].shape == (8, 16)
    os.remove(tmp_path / 'train' / 'depth' / '1.npy')
    with pytest.raises(FileNotFoundError,
                       match=r'1 images have no depth file.*depth/1\.npy'):
        CityscapesMTANDataset(data_root=str(tmp_path),
                              label_folder='label_7')
    with pytest.raises(FileNotFoundError, match='benchmark_cityscapes.md'):
        CityscapesMTANDataset(data_root=str(tmp_path / 'none'))
    with pytest.raises(ValueError, match="num_classes must be 7 or 19"):
        CityscapesMTANDataset(data_root=str(tmp_path), num_classes=13)


def test_nyud_mt_samples(tmp_path):
    written = write_nyud_mt(str(tmp_path))
    dataset = NYUDMTDataset(data_root=str(tmp_path), split='val')
    assert len(dataset) == 2
    info = dataset.get_data_info(1)
    seg = written['seg'][1]
    # the release's 0 is void, class k is k - 1
    assert np.all(info['gt_seg_map'][seg == 0] == 255)
    assert np.array_equal(info['gt_seg_map'][seg > 0], seg[seg > 0] - 1)
    assert np.array_equal(info['img'], written['image'][1])
    assert np.allclose(info['gt_depth_map'], written['depth'][1])
    assert np.allclose(info['gt_normal_map'], written['normal'][1])
    assert np.array_equal(info['gt_edge_map'], written['edge'][1])
    assert len(dataset.metainfo['classes']) == 40


def test_nyud_mt_missing_files_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='benchmark_nyud.md'):
        NYUDMTDataset(data_root=str(tmp_path / 'NYUD_MT'))
    write_nyud_mt(str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r'gt_sets/train\.txt'):
        NYUDMTDataset(data_root=str(tmp_path), split='train')
    os.remove(tmp_path / 'normals' / '0002.npy')
    with pytest.raises(FileNotFoundError,
                       match=r'(?s)1 files.*normals/0002\.npy'):
        NYUDMTDataset(data_root=str(tmp_path), split='val')


def test_pascal_mt_samples(tmp_path):
    head = np.zeros((10, 12), bool)
    head[:3, :3] = True
    foot = np.zeros((10, 12), bool)
    foot[6:, 8:] = True
    arm = np.zeros((10, 12), bool)
    arm[4, 4] = True
    written = write_pascal_mt(str(tmp_path), ids=('a', 'b'), persons=[
        dict(hair=head, rfoot=foot), dict(luarm=arm)])
    dataset = PascalMTDataset(data_root=str(tmp_path), split='val')
    info = dataset.get_data_info(0)
    parts = info['gt_parts_map']
    assert np.all(parts[head] == 1) and np.all(parts[foot] == 6)
    assert parts[4, 4] == 3
    assert np.all(parts[~(head | foot | arm)] == 0)
    # no person in the second image: every pixel ignored
    assert np.all(dataset.get_data_info(1)['gt_parts_map'] == 255)
    # semantics from semseg/VOC12 for the first, pascal-context the second
    assert np.array_equal(info['gt_seg_map'], written['seg'][0])
    assert np.array_equal(dataset.get_data_info(1)['gt_seg_map'],
                          written['seg'][1])
    assert np.array_equal(info['gt_sal_map'],
                          (written['sal'][0] / 255 > 0.5).astype(np.float32))
    rgb = written['normal'][0][..., ::-1].astype(np.float32)  # BGR written
    normal = 2 * rgb / 255 - 1
    normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
    assert np.allclose(info['gt_normal_map'], normal, atol=1e-6)


def test_pascal_mt_normal_classes_mask_the_normals(tmp_path):
    written = write_pascal_mt(str(tmp_path))
    dataset = PascalMTDataset(data_root=str(tmp_path), split='val',
                              normal_classes=[7])
    normal = dataset.get_data_info(0)['gt_normal_map']
    kept = written['labels'][0] == 7
    assert np.all(normal[~kept] == 0)
    assert np.all(np.abs(normal[kept]).sum(-1) > 0)


def test_label_boundaries_are_one_pixel_wide():
    labels = np.zeros((6, 8), np.uint16)
    labels[:, 4:] = 3
    edges = label_boundaries(labels)
    # the Laplacian marks both sides of the step; thinning keeps at most
    # one pixel of each row (and may shorten the line's end by one)
    assert np.all(edges[:, [3, 4]].sum(1) <= 1)
    assert edges.sum() >= 5
    assert edges[:, :3].sum() == 0 and edges[:, 5:].sum() == 0


def test_pascal_mt_missing_files_are_named(tmp_path):
    write_pascal_mt(str(tmp_path))
    os.remove(tmp_path / 'semseg' / 'VOC12' / '2008_000001.png')
    with pytest.raises(FileNotFoundError, match=r'(?s)VOC12/2008_000001'
                       r'\.png or .*pascal-context'):
        PascalMTDataset(data_root=str(tmp_path), split='val')
    with pytest.raises(ValueError, match=r"split must be one of"):
        PascalMTDataset(data_root=str(tmp_path), split='test')
