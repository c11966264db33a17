"""Ray casting of each SynthScenes primitive against hand-computed hits."""
import numpy as np
import pytest

from mtlw.datasets.synthscenes.primitives import (Box, Cylinder, Plane,
                                                  Sphere, Texture)

TEXTURE = Texture(base=np.ones(3, np.float32), waves=np.zeros((3, 3)),
                  phases=np.zeros(3), contrast=0.0)
ORIGIN = np.zeros(3, dtype=np.float32)


def cast(primitive, x, y, origin=ORIGIN):
    """``t`` of the rays ``(x_i, y_i, 1)``: both slopes passed as (1, n)
    rows pair up element-wise."""
    x = np.asarray(x, dtype=np.float32)[None, :]
    y = np.asarray(y, dtype=np.float32)[None, :]
    return primitive.intersect(origin, x, y)[0]


def test_plane_floor():
    floor = Plane(np.array([0, -1, 0], np.float32), -2.0, 0, TEXTURE)
    # y = 2 reached at depth 2 / slope; rays level or upward miss
    t = cast(floor, [0.0, 0.3, 0.0, 0.0], [0.5, 0.25, 0.0, -0.1])
    np.testing.assert_allclose(t, [4.0, 8.0, np.inf, np.inf])
    np.testing.assert_array_equal(floor.normals(np.zeros((3, 2))),
                                  [[0], [-1], [0]])
    assert floor.corners is None


def test_sphere_hits_and_normals():
    sphere = Sphere(np.array([0, 0, 5], np.float32), 1.0, 3, TEXTURE)
    t = cast(sphere, [0.0, 0.1, 0.5], [0.0, 0.0, 0.0])
    # |t (x, 0, 1) - (0, 0, 5)|^2 = 1: (1 + x^2) t^2 - 10 t + 24 = 0
    a = 1 + 0.1**2
    near = (10 - np.sqrt(100 - 4 * a * 24)) / (2 * a)
    np.testing.assert_allclose(t, [4.0, near, np.inf], rtol=1e-5)
    points = np.array([[0, 1], [0, 0], [4, 5]], dtype=np.float32)
    np.testing.assert_allclose(sphere.normals(points), [[0, 1], [0, 0],
                                                        [-1, 0]])
    # from the right camera of a 0.5 m baseline the centre ray is off-axis
    shifted = cast(sphere, [0.0], [0.0], np.array([0.5, 0, 0], np.float32))
    assert shifted[0] == pytest.approx(5 - np.sqrt(0.75), rel=1e-5)


def test_box_axis_aligned_and_turned():
    box = Box(np.array([0, 0, 5], np.float32), np.ones(3, np.float32),
              np.eye(3, dtype=np.float32), 4, TEXTURE)
    np.testing.assert_allclose(cast(box, [0.0, 0.5], [0.0, 0.0]),
                               [4.0, np.inf])
    np.testing.assert_allclose(
        box.normals(np.array([[0.2], [0.1], [4.0]], np.float32)),
        [[0], [0], [-1]])
    turn = np.deg2rad(45)
    rotation = np.array([[np.cos(turn), 0, np.sin(turn)], [0, 1, 0],
                         [-np.sin(turn), 0, np.cos(turn)]], np.float32)
    turned = Box(np.array([0, 0, 5], np.float32), np.ones(3, np.float32),
                 rotation, 4, TEXTURE)
    # a vertical edge now points at the camera
    assert cast(turned, [0.0], [0.0])[0] == pytest.approx(5 - np.sqrt(2))
    assert turned.corners.shape == (8, 3)
    np.testing.assert_allclose(np.abs(turned.corners[:, 0]).max(),
                               np.sqrt(2), rtol=1e-6)


def test_cylinder_side_and_top_cap():
    cylinder = Cylinder(np.array([0, 0, 5], np.float32), 1.0, 1.0,
                        np.eye(3, dtype=np.float32), 5, TEXTURE)
    # side, then over the top (y = -1.2 at depth 4..6 is above the cap)
    np.testing.assert_allclose(cast(cylinder, [0.0, 0.0], [0.0, -0.3]),
                               [4.0, np.inf])
    # from 3 m above (y down), looking down 45 degrees: the top cap y = -1
    # at t = 2, point (0, -1, 5)
    above = np.array([0, -3, 3], np.float32)
    assert cast(cylinder, [0.0], [1.0], above)[0] == pytest.approx(2.0)
    points = np.array([[0.0, 1.0], [-1.0, 0.5], [5.0, 5.0]], np.float32)
    np.testing.assert_allclose(cylinder.normals(points),
                               [[0, 1], [-1, 0], [0, 0]], atol=1e-7)


def test_texture_albedo_by_hand():
    texture = Texture(base=np.array([0.5, 0.2, 0.1], np.float32),
                      waves=np.array([[1.0, 0, 0], [0, 2.0, 0]]),
                      phases=np.array([0.0, 0.5]), contrast=0.4)
    point = np.array([[0.3], [0.7], [9.0]])
    pattern = (np.sin(0.3) + np.sin(1.4 + 0.5)) / 2
    np.testing.assert_allclose(texture.albedo(point)[:, 0],
                               np.array([0.5, 0.2, 0.1]) * (1 + 0.4 * pattern),
                               rtol=1e-6)
