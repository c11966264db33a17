"""Depth back-projection and the ASCII PLY writer, read back."""
import numpy as np
import pytest

from mtlw.visualization.point_cloud import backproject, read_ply, write_ply


def test_pixels_go_through_the_pinhole_model():
    depth = np.array([[2.0, 0.0, 4.0],
                      [np.nan, 1.0, -1.0]])
    image = np.arange(18, dtype=np.uint8).reshape(2, 3, 3)
    points, colours = backproject(depth, (2.0, 4.0, 1.0, 0.5), image)
    # (u, v, Z): (0, 0, 2), (2, 0, 4), (1, 1, 1); zero, NaN and negative
    # depths are left out. X = (u - 1) Z / 2, Y = (v - 0.5) Z / 4
    assert points.tolist() == [[-1.0, -0.25, 2.0], [2.0, -0.5, 4.0],
                               [0.0, 0.125, 1.0]]
    assert colours.tolist() == [[0, 1, 2], [6, 7, 8], [12, 13, 14]]
    assert backproject(depth, (2.0, 4.0, 1.0, 0.5))[1] is None


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match='depth must be'):
        backproject(np.ones(3), (1, 1, 0, 0))
    with pytest.raises(ValueError, match='focal lengths must be > 0'):
        backproject(np.ones((2, 2)), (0, 1, 0, 0))
    with pytest.raises(ValueError, match=r'image must be \(2, 2, 3\)'):
        backproject(np.ones((2, 2)), (1, 1, 0, 0), np.zeros((2, 3, 3)))


def test_ply_file_reads_back(tmp_path):
    points = np.array([[-1.0, -0.25, 2.0], [2.0, -0.5, 4.5]])
    colours = np.array([[255, 0, 7], [1, 2, 3]], dtype=np.uint8)
    path = str(tmp_path / 'cloud.ply')
    write_ply(path, points, colours)
    lines = open(path).read().splitlines()
    assert lines[:3] == ['ply', 'format ascii 1.0', 'element vertex 2']
    assert lines[-2:] == ['-1 -0.25 2 255 0 7', '2 -0.5 4.5 1 2 3']
    read_points, read_colours = read_ply(path)
    assert read_points.tolist() == points.tolist()
    assert read_colours.tolist() == colours.tolist()
    write_ply(path, points)
    assert read_ply(path)[1] is None
    assert read_ply(path)[0].tolist() == points.tolist()
    with pytest.raises(ValueError, match='1 colours for 2 points'):
        write_ply(path, points, colours[:1])
    (tmp_path / 'bad.ply').write_text('ply\nformat binary_little_endian 1.0')
    with pytest.raises(ValueError, match='not an ASCII PLY file'):
        read_ply(str(tmp_path / 'bad.ply'))
