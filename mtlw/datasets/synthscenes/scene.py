"""Random SynthScenes scenes: floor, walls or sky, and 3-8 solid objects.

A scene is drawn from ``numpy.random.default_rng([seed, split_id, index])``,
so it depends only on ``(seed, split, index)``. World frame: x right, y down,
z forward, origin at the left camera; the floor is ``y = camera height``.
The camera is pitched down by a small angle; everything is stored in the
left camera frame (see :mod:`.camera`).

Indoor scenes (half of them) have a floor, a back wall and two side walls;
outdoor scenes have a ground plane under the sky. Spheres, boxes (turned
about the vertical) and upright cylinders rest on the floor.
"""
from dataclasses import dataclass
from typing import List, Tuple

import numpy as np

from .camera import StereoCamera
from .primitives import Box, Cylinder, Plane, Primitive, Sphere, Texture

CLASSES = ('floor', 'wall', 'sky', 'sphere', 'box', 'cylinder')
PALETTE = [[128, 64, 128], [102, 102, 156], [70, 130, 180], [220, 20, 60],
           [0, 0, 142], [107, 142, 35]]
FLOOR, WALL, SKY, SPHERE, BOX, CYLINDER = range(len(CLASSES))
IGNORE_INDEX = 255
SPLITS = ('train', 'val', 'test')

# mean albedo of each class, BGR in [0, 1]; every surface jitters it
_CLASS_COLOURS = {
    FLOOR: (0.40, 0.45, 0.50),
    WALL: (0.60, 0.70, 0.75),
    SPHERE: (0.20, 0.25, 0.80),
    BOX: (0.80, 0.35, 0.20),
    CYLINDER: (0.30, 0.70, 0.25),
}


@dataclass
class Scene:
    """Everything the renderer needs, in the left camera frame.

    Args:
        primitives (list): Planes and objects to ray-cast.
        light (np.ndarray): Unit vector toward the sun, shape (3,).
        ambient (float): Ambient share of the Lambertian shading.
        up (np.ndarray): World up as a unit vector, shape (3,).
        sky_zenith (np.ndarray): Sky colour straight up, BGR in [0, 1].
        sky_horizon (np.ndarray): Sky colour at the horizon, BGR in [0, 1].
    """

    primitives: List[Primitive]
    light: np.ndarray
    ambient: float
    up: np.ndarray
    sky_zenith: np.ndarray
    sky_horizon: np.ndarray


def scene_rng(seed: int, split: str, index: int) -> np.random.Generator:
    """The random generator of sample ``index`` of ``split``."""
    return np.random.default_rng([seed, SPLITS.index(split), index])


def sample_scene(rng: np.random.Generator, camera: StereoCamera) -> Scene:
    """Draw a scene that ``camera`` (at the world origin) looks into."""
    height = rng.uniform(1.2, 2.2)
    pitch = np.deg2rad(rng.uniform(0.0, 12.0))
    to_cam = np.array([[1, 0, 0],
                       [0, np.cos(pitch), -np.sin(pitch)],
                       [0, np.sin(pitch), np.cos(pitch)]])
    indoor = rng.random() < 0.5

    planes = [(np.array([0.0, -1.0, 0.0]), -height, FLOOR)]
    depth_range, half_width = (3.0, 25.0), np.inf
    if indoor:
        back = rng.uniform(10.0, 20.0)
        left, right = rng.uniform(2.5, 6.0, size=2)
        planes += [(np.array([0.0, 0.0, -1.0]), -back, WALL),
                   (np.array([1.0, 0.0, 0.0]), -left, WALL),
                   (np.array([-1.0, 0.0, 0.0]), -right, WALL)]
        depth_range, half_width = (3.0, back - 1.5), min(left, right)

    count = int(rng.integers(3, 9))
    labels = [label for _, _, label in planes] + [
        int(label) for label in rng.choice([SPHERE, BOX, CYLINDER], count)]
    textures = _textures(rng, labels)
    primitives: List[Primitive] = [
        Plane(_f32(to_cam @ n), float(offset), label, texture)
        for (n, offset, label), texture in zip(planes, textures)
    ]
    primitives += _objects(rng, labels[len(planes):],
                           textures[len(planes):], to_cam, height,
                           depth_range, half_width,
                           camera.width / (2 * camera.focal))

    elevation = np.deg2rad(rng.uniform(30, 75))
    azimuth = rng.uniform(0, 2 * np.pi)
    sun = np.array([np.cos(elevation) * np.sin(azimuth), -np.sin(elevation),
                    np.cos(elevation) * np.cos(azimuth)])
    return Scene(
        primitives=primitives,
        light=_f32(to_cam @ sun),
        ambient=float(rng.uniform(0.25, 0.45)),
        up=_f32(to_cam @ np.array([0.0, -1.0, 0.0])),
        sky_zenith=_f32(np.array([0.90, 0.55, 0.30]) * rng.uniform(0.8, 1.1)),
        sky_horizon=_f32(np.array([0.95, 0.88, 0.80]) * rng.uniform(0.85, 1)))


def _objects(rng: np.random.Generator, labels: List[int],
             textures: List[Texture], to_cam: np.ndarray, floor_y: float,
             depth_range: Tuple[float, float], half_width: float,
             tan_half_fov: float) -> List[Primitive]:
    """Spheres, boxes and cylinders standing on the floor, in view.

    Depth is uniform in ``depth_range``, the horizontal position within 85%
    of the field of view (and ``half_width`` of the room), the turn about
    the vertical uniform in [0, 90) degrees. Sizes: spheres of radius
    0.3-1 m; boxes of half extents 0.25-0.8 m; cylinders of radius
    0.2-0.6 m and half height 0.3-1.2 m.
    """
    count = len(labels)
    z = rng.uniform(*depth_range, size=count)
    x = z * tan_half_fov * rng.uniform(-0.85, 0.85, size=count)
    yaw = rng.uniform(0, np.pi / 2, size=count)
    uniform = rng.random((count, 3))
    kinds = np.array(labels)
    extents = 0.25 + 0.55 * uniform
    extents[kinds == SPHERE] = 0.3 + 0.7 * uniform[kinds == SPHERE, :1]
    cylinders = kinds == CYLINDER
    extents[cylinders, 0] = extents[cylinders, 2] = \
        0.2 + 0.4 * uniform[cylinders, 0]
    extents[cylinders, 1] = 0.3 + 0.9 * uniform[cylinders, 1]
    reach = np.hypot(extents[:, 0], extents[:, 2])
    x = np.clip(x, -half_width + reach, half_width - reach)
    centers = np.stack([x, floor_y - extents[:, 1], z], axis=1) @ to_cam.T
    turns = np.zeros((count, 3, 3))
    turns[:, 0, 0] = turns[:, 2, 2] = np.cos(yaw)
    turns[:, 0, 2] = np.sin(yaw)
    turns[:, 2, 0] = -np.sin(yaw)
    turns[:, 1, 1] = 1.0
    rotations = _f32(to_cam @ turns)

    objects: List[Primitive] = []
    for label, center, extent, rotation, texture in zip(
            labels, _f32(centers), _f32(extents), rotations, textures):
        if label == SPHERE:
            objects.append(Sphere(center, float(extent[0]), label, texture))
        elif label == BOX:
            objects.append(Box(center, extent, rotation, label, texture))
        else:
            objects.append(Cylinder(center, float(extent[0]),
                                    float(extent[1]), rotation, label,
                                    texture))
    return objects


def _textures(rng: np.random.Generator, labels: List[int]) -> List[Texture]:
    """Jittered class colours modulated by three random 3-D waves each."""
    count = len(labels)
    bases = np.array([_CLASS_COLOURS[label] for label in labels])
    bases = np.clip(bases + rng.uniform(-0.15, 0.15, (count, 3)), 0, 1)
    directions = rng.normal(size=(count, 3, 3))
    directions /= np.linalg.norm(directions, axis=2, keepdims=True)
    wavelengths = rng.uniform(0.3, 1.5, size=(count, 3, 1))
    waves = _f32(directions * 2 * np.pi / wavelengths)
    phases = _f32(rng.uniform(0, 2 * np.pi, (count, 3)))
    contrasts = rng.uniform(0.3, 0.5, count)
    bases = _f32(bases)
    return [Texture(bases[i], waves[i], phases[i], float(contrasts[i]))
            for i in range(count)]


def _f32(array: np.ndarray) -> np.ndarray:
    return np.asarray(array, dtype=np.float32)
