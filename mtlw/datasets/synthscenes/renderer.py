"""Ray casting and shading of SynthScenes views.

One function renders one view of a scene: every primitive is intersected
with all rays of its image window at once (numpy), a z-buffer keeps the
nearest hit, then each visible surface is shaded at its hit points:

    colour = albedo(P) * (ambient + (1 - ambient) * max(0, n . l))

(Lambertian, no shadows). The albedo is a function of the 3-D point ``P``, so
both views agree on every point they share. Rays that hit nothing see the
sky; hits beyond ``max_depth`` keep their colour but are marked invalid
(depth 0, normal 0, label 255), as the texture aliases there.

Outputs of a view (left camera frame for normals, as stored in samples):

- ``image``: (H, W, 3) uint8, BGR.
- ``depth``: (H, W) float32 metres, 0 where invalid (sky, too far).
- ``normal``: (H, W, 3) float32 unit vectors, 0 where invalid.
- ``label``: (H, W) uint8 class ids of :data:`CLASSES`, 255 ignore.
"""
import math
from typing import Dict, NamedTuple, Optional, Sequence, Tuple

import cv2
import numpy as np

from .camera import StereoCamera
from .scene import IGNORE_INDEX, SKY, Scene, sample_scene, scene_rng


class View(NamedTuple):
    """One rendered view; see the module docstring for the fields."""

    image: np.ndarray
    depth: np.ndarray
    normal: np.ndarray
    label: np.ndarray


def render_view(scene: Scene, camera: StereoCamera, view: str = 'left',
                max_depth: float = 80.0) -> View:
    """Render the ``'left'`` or ``'right'`` view of ``scene``.

    Args:
        scene (Scene): The scene, in the left camera frame.
        camera (StereoCamera): Intrinsics and baseline.
        view (str): ``'left'`` or ``'right'``.
        max_depth (float): Hits farther than this are invalid.

    Returns:
        View: Image, depth, normals and labels of the view.
    """
    nearest, owner = _cast(scene, camera, view)
    valid = nearest <= max_depth
    order, colour, normal = _shade(scene, camera, view, nearest, owner,
                                   max_depth)
    image = np.clip(colour * 255 + 0.5, 0, 255).astype(np.uint8)
    labels = np.array([p.label for p in scene.primitives] + [SKY],
                      dtype=np.uint8)[owner]  # owner -1 (no hit) -> SKY
    labels[~valid & (owner >= 0)] = IGNORE_INDEX
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return View(image=_unsort(image, inverse, camera),
                depth=np.where(valid, nearest, 0).astype(np.float32),
                normal=_unsort(normal, inverse, camera), label=labels)


def _cast(scene: Scene, camera: StereoCamera,
          view: str) -> Tuple[np.ndarray, np.ndarray]:
    """Depth of the nearest hit and index of the primitive hit, per pixel.

    Returns:
        tuple: (H, W) float32 depth (``inf`` where no primitive is hit) and
        (H, W) int16 primitive index (-1 where none is).
    """
    origin = camera.origin(view)
    slope_x, slope_y = camera.ray_slopes()
    nearest = np.full((camera.height, camera.width), np.inf, np.float32)
    owner = np.full((camera.height, camera.width), -1, np.int16)
    for index, primitive in enumerate(scene.primitives):
        window = _window(camera, primitive.corners, view)
        if window is None:
            continue
        rows, cols = window
        t = primitive.intersect(origin, slope_x[None, cols],
                                slope_y[rows, None])
        closer = t < nearest[rows, cols]
        np.copyto(nearest[rows, cols], t, where=closer)
        owner[rows, cols][closer] = index
    return nearest, owner


def _shade(scene: Scene, camera: StereoCamera, view: str, nearest: np.ndarray,
           owner: np.ndarray, max_depth: float
           ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Colour and normals of the pixels sorted by the primitive they see.

    Sorting puts each primitive's pixels in one contiguous run of (3, N)
    arrays (the sky first), which keeps numpy fast.

    Returns:
        tuple: The flat pixel ``order`` (N,), colour (3, N) BGR and normals
        (3, N), zero beyond ``max_depth``, both in that order.
    """
    flat_owner = owner.reshape(-1)
    order = np.argsort(flat_owner, kind='stable')
    bounds = np.cumsum(np.bincount(flat_owner + 1,
                                   minlength=len(scene.primitives) + 1))
    rays = np.take(camera.flat_rays(), order, axis=1)
    depth = nearest.reshape(-1)[order]
    with np.errstate(invalid='ignore'):  # sky: inf * 0, never used
        points = camera.origin(view)[:, None] + depth * rays
    colour = np.empty_like(rays)
    normal = np.zeros_like(rays)
    colour[:, :bounds[0]] = _sky_colour(scene, rays[:, :bounds[0]])
    for primitive, start, stop in zip(scene.primitives, bounds[:-1],
                                      bounds[1:]):
        if start == stop:
            continue
        normals = primitive.normals(points[:, start:stop])
        lambert = np.maximum(scene.light @ normals, 0.0)
        shade = scene.ambient + (1.0 - scene.ambient) * lambert
        colour[:, start:stop] = primitive.texture.albedo(
            points[:, start:stop]) * shade
        normal[:, start:stop] = normals
    normal *= depth <= max_depth
    return order, colour, normal


def render_sample(camera: StereoCamera, seed: int, split: str, index: int,
                  views: Sequence[str] = ('left', ),
                  max_depth: float = 80.0) -> Dict[str, View]:
    """Render the given views of sample ``index`` of ``split``.

    Deterministic: the scene depends only on ``(seed, split, index)`` and the
    camera.
    """
    scene = sample_scene(scene_rng(seed, split, index), camera)
    return {view: render_view(scene, camera, view, max_depth)
            for view in views}


def visible_in_other_view(disparity: np.ndarray, other: np.ndarray,
                          view: str, tolerance: float = 1.0) -> np.ndarray:
    """Pixels whose 3-D point the other camera sees (left-right check).

    A pixel of the left view at column ``u`` with disparity ``d`` lands at
    ``u - d`` in the right view (``u + d`` from right to left). It counts as
    visible when it has a disparity, lands inside the other image and the
    other view's disparity there agrees within ``tolerance`` pixels.

    Args:
        disparity (np.ndarray): (H, W) disparity of this view, 0 invalid.
        other (np.ndarray): (H, W) disparity of the other view.
        view (str): Which view ``disparity`` belongs to.
        tolerance (float): Largest disparity difference in pixels.

    Returns:
        np.ndarray: (H, W) bool mask.
    """
    height, width = disparity.shape
    shift = np.float32(-1.0 if view == 'left' else 1.0) * disparity
    target = np.rint(np.arange(width, dtype=np.float32) + shift).astype(
        np.int32)
    inside = (target >= 0) & (target < width)
    rows = (np.arange(height, dtype=np.int32) * width)[:, None]
    landed = other.reshape(-1).take(np.clip(target, 0, width - 1) + rows)
    return (disparity > 0) & inside & \
        (np.abs(landed - disparity) <= tolerance)


def _window(camera: StereoCamera, corners: Optional[np.ndarray],
            view: str) -> Optional[Tuple[slice, slice]]:
    """Rows and columns of the image that can see a box with ``corners``.

    ``None`` corners (an infinite plane) or a box reaching behind the camera
    give the whole image; a box outside the image gives ``None``.
    """
    full = (slice(0, camera.height), slice(0, camera.width))
    if corners is None or corners[:, 2].min() <= 1e-3:
        return full
    cx, cy = camera.principal_point
    u = (corners[:, 0] - camera.origin(view)[0]) / corners[:, 2]
    v = corners[:, 1] / corners[:, 2]
    u0 = max(math.floor(u.min() * camera.focal + cx), 0)
    u1 = min(math.ceil(u.max() * camera.focal + cx) + 1, camera.width)
    v0 = max(math.floor(v.min() * camera.focal + cy), 0)
    v1 = min(math.ceil(v.max() * camera.focal + cy) + 1, camera.height)
    if u0 >= u1 or v0 >= v1:
        return None
    return slice(v0, v1), slice(u0, u1)


def _unsort(planes: np.ndarray, inverse: np.ndarray,
            camera: StereoCamera) -> np.ndarray:
    """(3, N) values of sorted pixels to an (H, W, 3) image.

    ``inverse[i]`` is the position of pixel ``i`` in the sorted order.
    """
    image = np.take(planes, inverse, axis=1)
    return cv2.merge(list(image.reshape(3, camera.height, camera.width)))


def _sky_colour(scene: Scene, rays: np.ndarray) -> np.ndarray:
    """Gradient from horizon to zenith by the elevation of each ray."""
    elevation = (scene.up @ rays) / np.sqrt((rays * rays).sum(axis=0))
    weight = np.sqrt(np.clip(elevation, 0.0, 1.0))
    return scene.sky_horizon[:, None] + weight * (
        scene.sky_zenith - scene.sky_horizon)[:, None]
