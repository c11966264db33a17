"""The rectified stereo pinhole camera of SynthScenes.

Camera frame (OpenCV): x right, y down, z forward, in metres. The left camera
sits at the origin, the right one at ``(baseline, 0, 0)`` with the same
orientation and intrinsics (a rectified pair). Pixel ``(u, v)`` (column, row,
pixel centres at integers) looks along ``((u - cx) / f, (v - cy) / f, 1)``, so
the ray parameter of a hit is its depth ``z``.
"""
import functools
from dataclasses import dataclass
from typing import Sequence, Tuple

import numpy as np


@dataclass(frozen=True)
class StereoCamera:
    """Intrinsics and baseline of a rectified stereo pair.

    Args:
        height (int): Image rows.
        width (int): Image columns.
        focal (float): Focal length in pixels (``fx == fy``).
        baseline (float): Distance between the two camera centres in metres.
    """

    height: int
    width: int
    focal: float
    baseline: float

    @classmethod
    def from_size(cls, img_size: Sequence[int], focal_ratio: float = 0.58,
                  baseline: float = 0.54) -> 'StereoCamera':
        """A camera for ``img_size = (h, w)`` with ``focal = focal_ratio * w``.

        The defaults are KITTI's: 721.5 px at 1242 px width (0.58) and 0.54 m.
        """
        height, width = img_size
        return cls(int(height), int(width), float(focal_ratio * width),
                   float(baseline))

    @property
    def principal_point(self) -> Tuple[float, float]:
        """``(cx, cy)``: the image centre, unchanged by a flip."""
        return (self.width - 1) / 2, (self.height - 1) / 2

    def origin(self, view: str) -> np.ndarray:
        """Centre of the ``'left'`` or ``'right'`` camera in the left frame."""
        if view not in ('left', 'right'):
            raise ValueError(f"view must be 'left' or 'right', got {view!r}")
        shift = self.baseline if view == 'right' else 0.0
        return np.array([shift, 0.0, 0.0], dtype=np.float32)

    def ray_slopes(self) -> Tuple[np.ndarray, np.ndarray]:
        """Slopes ``x`` (w,) and ``y`` (h,): pixel ``(u, v)`` looks along
        ``(x[u], y[v], 1)``, ``x[u] = (u - cx) / f``, ``y[v] = (v - cy) / f``.

        The arrays are cached and read-only.
        """
        return _ray_slopes(self.height, self.width, self.focal)

    def flat_rays(self) -> np.ndarray:
        """Rays of all pixels, row-major, shape (3, H * W); read-only."""
        return _flat_rays(self.height, self.width, self.focal)


@functools.lru_cache(maxsize=8)
def _ray_slopes(height: int, width: int,
                focal: float) -> Tuple[np.ndarray, np.ndarray]:
    x = (np.arange(width, dtype=np.float32) - (width - 1) / 2) / focal
    y = (np.arange(height, dtype=np.float32) - (height - 1) / 2) / focal
    x.flags.writeable = y.flags.writeable = False
    return x, y


@functools.lru_cache(maxsize=8)
def _flat_rays(height: int, width: int, focal: float) -> np.ndarray:
    x, y = _ray_slopes(height, width, focal)
    rays = np.ones((3, height, width), dtype=np.float32)
    rays[0] = x[None, :]
    rays[1] = y[:, None]
    rays = rays.reshape(3, -1)
    rays.flags.writeable = False
    return rays


def depth_to_disparity(depth: np.ndarray, focal: float,
                       baseline: float) -> np.ndarray:
    """``disparity = focal * baseline / depth`` in pixels; 0 where depth is 0.

    Args:
        depth (np.ndarray): Depth in metres, 0 marks invalid pixels.
        focal (float): Focal length in pixels.
        baseline (float): Stereo baseline in metres.

    Returns:
        np.ndarray: Disparity in pixels, same shape and dtype as ``depth``.
    """
    disparity = np.zeros_like(depth)
    valid = depth > 0
    disparity[valid] = focal * baseline / depth[valid]
    return disparity
