"""Ray casting of the SynthScenes primitives: plane, sphere, box, cylinder.

Every primitive answers three questions, vectorised over all rays at once:

- ``intersect(origin, x, y)``: for the rays ``(x, y, 1)`` of an image window
  (``x`` of shape (1, w), ``y`` of shape (h, 1)), the ray parameter ``t`` of
  the first hit in front of the origin, shape (h, w), ``inf`` on a miss.
  With ``z == 1`` rays, ``t`` is the depth.
- ``normals(points)``: outward unit normals at hit points, both of shape
  (3, N) (one row per coordinate, which keeps numpy fast).
- ``corners``: the 8 corners (8, 3) of a bounding box, ``None`` for the
  infinite plane, so the renderer casts only the rays of the window
  around it (computed once per primitive).

All quantities are in the left camera frame. Boxes and cylinders carry a
rotation ``R`` (object to camera): rays are rotated into the object frame,
where the box is axis-aligned and the cylinder axis is ``y``. A ray's dot
product with a fixed vector is separable in ``x`` and ``y``, so it costs one
multiply-add per pixel.

Each primitive also holds its class id and a :class:`Texture`, a function of
the 3-D surface point, so both cameras of the pair see the same colour.
"""
from dataclasses import dataclass
from functools import cached_property
from typing import Union

import numpy as np

EPS = 1e-4  # hits closer than this to the ray origin are ignored


@dataclass
class Texture:
    """Procedural 3-D albedo of a surface.

    ``albedo(p) = base * (1 + contrast * mean_k sin(w_k . p + phi_k))``; the
    renderer clips the shaded colour to [0, 1].

    Args:
        base (np.ndarray): Mean colour, BGR in [0, 1], shape (3,).
        waves (np.ndarray): Wave vectors ``w_k`` in rad/m, shape (K, 3).
        phases (np.ndarray): Phases ``phi_k``, shape (K,).
        contrast (float): Relative amplitude of the pattern.
    """

    base: np.ndarray
    waves: np.ndarray
    phases: np.ndarray
    contrast: float

    def albedo(self, points: np.ndarray) -> np.ndarray:
        """Colour at ``points`` (3, N): (3, N) BGR."""
        pattern = np.sin(self.waves @ points + self.phases[:, None])
        shade = 1.0 + self.contrast / len(pattern) * pattern.sum(axis=0)
        return self.base[:, None] * shade


@dataclass
class Plane:
    """The plane ``normal . X = offset``, ``normal`` toward the cameras."""

    normal: np.ndarray
    offset: float
    label: int
    texture: Texture

    def intersect(self, origin: np.ndarray, x: np.ndarray,
                  y: np.ndarray) -> np.ndarray:
        # the origin is on the normal's side: t > 0 only for rays facing in
        with np.errstate(divide='ignore'):
            t = (self.offset - origin @ self.normal) / _dot_rays(
                x, y, self.normal)
        return np.where(t > EPS, t, np.inf)

    def normals(self, points: np.ndarray) -> np.ndarray:
        return self.normal[:, None]

    corners = None


@dataclass
class Sphere:
    """A sphere of ``radius`` around ``center``."""

    center: np.ndarray
    radius: float
    label: int
    texture: Texture

    def intersect(self, origin: np.ndarray, x: np.ndarray,
                  y: np.ndarray) -> np.ndarray:
        # |o + t d - c|^2 = r^2  ->  a t^2 + 2 b t + c = 0
        offset = origin - self.center
        a = x * x + (y * y + 1.0)
        b = _dot_rays(x, y, offset)
        c = offset @ offset - self.radius**2
        disc = b * b - a * c
        t = (-b - np.sqrt(np.maximum(disc, 0))) / a
        return np.where((disc >= 0) & (t > EPS), t, np.inf)

    def normals(self, points: np.ndarray) -> np.ndarray:
        offset = points - self.center[:, None]
        return offset / np.sqrt((offset * offset).sum(axis=0))

    @cached_property
    def corners(self) -> np.ndarray:
        return self.center + self.radius * _UNIT_CUBE


@dataclass
class Box:
    """A box of ``half_extents`` around ``center``, rotated by ``rotation``."""

    center: np.ndarray
    half_extents: np.ndarray
    rotation: np.ndarray
    label: int
    texture: Texture

    def intersect(self, origin: np.ndarray, x: np.ndarray,
                  y: np.ndarray) -> np.ndarray:
        # slab test: the ray enters every slab before it leaves any
        local_origin = (origin - self.center) @ self.rotation
        t_enter, t_exit = -np.inf, np.inf
        for axis in range(3):
            direction = _dot_rays(x, y, self.rotation[:, axis])
            with np.errstate(divide='ignore', invalid='ignore'):
                near = (-self.half_extents[axis] - local_origin[axis]) / \
                    direction
                far = (self.half_extents[axis] - local_origin[axis]) / \
                    direction
            t_enter = np.maximum(t_enter, np.minimum(near, far))
            t_exit = np.minimum(t_exit, np.maximum(near, far))
        return np.where((t_enter <= t_exit) & (t_enter > EPS), t_enter,
                        np.inf)

    def normals(self, points: np.ndarray) -> np.ndarray:
        local = self.rotation.T @ (points - self.center[:, None])
        axis = np.argmax(np.abs(local) / self.half_extents[:, None], axis=0)
        columns = np.arange(local.shape[1])
        local_normals = np.zeros_like(local)
        local_normals[axis, columns] = np.sign(local[axis, columns])
        return self.rotation @ local_normals

    @cached_property
    def corners(self) -> np.ndarray:
        return self.center + (_UNIT_CUBE * self.half_extents) @ \
            self.rotation.T


@dataclass
class Cylinder:
    """A capped cylinder around ``center``; its axis is the object ``y``."""

    center: np.ndarray
    radius: float
    half_height: float
    rotation: np.ndarray
    label: int
    texture: Texture

    def intersect(self, origin: np.ndarray, x: np.ndarray,
                  y: np.ndarray) -> np.ndarray:
        o = (origin - self.center) @ self.rotation
        dx, dy, dz = (_dot_rays(x, y, self.rotation[:, axis])
                      for axis in range(3))
        # side: (ox + t dx)^2 + (oz + t dz)^2 = r^2 and |oy + t dy| <= h
        a = dx * dx + dz * dz
        b = o[0] * dx + o[2] * dz
        c = o[0]**2 + o[2]**2 - self.radius**2
        disc = b * b - a * c
        with np.errstate(divide='ignore', invalid='ignore'):
            t_side = (-b - np.sqrt(np.maximum(disc, 0))) / a
            side_ok = ((disc >= 0) & (t_side > EPS)
                       & (np.abs(o[1] + t_side * dy) <= self.half_height))
        best = np.where(side_ok, t_side, np.inf)
        if abs(o[1]) <= self.half_height:
            return best  # beside the cylinder: the side comes first
        # above (below) it, a ray can enter through the top (bottom) cap
        cap_y = np.copysign(self.half_height, o[1])
        with np.errstate(divide='ignore', invalid='ignore'):
            t_cap = (cap_y - o[1]) / dy
            radial = (o[0] + t_cap * dx)**2 + (o[2] + t_cap * dz)**2
            cap_ok = (t_cap > EPS) & (radial <= self.radius**2)
        return np.where(cap_ok & (t_cap < best), t_cap, best)

    def normals(self, points: np.ndarray) -> np.ndarray:
        local = self.rotation.T @ (points - self.center[:, None])
        radial = np.hypot(local[0], local[2])
        on_cap = (self.half_height - np.abs(local[1])) < (self.radius - radial)
        side = local / np.maximum(radial, 1e-9)
        side[1] = 0.0
        cap = np.zeros_like(local)
        cap[1] = np.sign(local[1])
        return self.rotation @ np.where(on_cap, cap, side)

    @cached_property
    def corners(self) -> np.ndarray:
        extents = np.array([self.radius, self.half_height, self.radius],
                           dtype=np.float32)
        return self.center + (_UNIT_CUBE * extents) @ self.rotation.T


Primitive = Union[Plane, Sphere, Box, Cylinder]

_UNIT_CUBE = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1)
                       for z in (-1, 1)], dtype=np.float32)


def _dot_rays(x: np.ndarray, y: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """``d . vector`` for the rays ``d = (x, y, 1)`` of a window.

    ``x`` (1, w) and ``y`` (h, 1) hold the ray slopes of the window's columns
    and rows; the result broadcasts to (h, w) with one multiply-add per pixel.
    """
    return x * vector[0] + (y * vector[1] + vector[2])
