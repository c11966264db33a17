"""Point clouds from depth maps, written as ASCII PLY.

Jiao et al., "Look Deeper into Depth: Monocular Depth Estimation with
Semantic Booster and Attention-Driven Loss" (ECCV 2018, supplementary
Fig. 5) project predicted depth into 3D and colour the points with the
image. A pixel ``(u, v)`` (column, row) at depth ``Z`` goes to the camera
frame through the pinhole intrinsics ``fx, fy, cx, cy``::

    X = (u - cx) Z / fx,   Y = (v - cy) Z / fy,   Z = Z

Pixels without a valid depth (not finite or not above 0) are left out.
"""
from typing import Optional, Sequence, Tuple

import numpy as np


def backproject(depth: np.ndarray, intrinsics: Sequence[float],
                image: Optional[np.ndarray] = None
                ) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    """Camera-frame points of every valid pixel of a depth map.

    Args:
        depth (np.ndarray): (H, W) depth in metres.
        intrinsics (Sequence[float]): ``(fx, fy, cx, cy)`` in pixels.
        image (np.ndarray, optional): (H, W, 3) colours of the pixels
            (uint8, in the order the PLY should hold them, e.g. RGB).

    Returns:
        tuple: (N, 3) float points in row-major pixel order and their (N, 3)
        uint8 colours (None without ``image``).

    Raises:
        ValueError: ``depth`` not 2-D, ``image`` of another size, or focal
            lengths not positive.
    """
    depth = np.asarray(depth, dtype=np.float64)
    if depth.ndim != 2:
        raise ValueError(f'backproject: depth must be (H, W), got shape '
                         f'{depth.shape}')
    fx, fy, cx, cy = (float(value) for value in intrinsics)
    if fx <= 0 or fy <= 0:
        raise ValueError(f'backproject: focal lengths must be > 0, got '
                         f'fx={fx}, fy={fy}')
    if image is not None and tuple(np.shape(image)) != depth.shape + (3, ):
        raise ValueError(f'backproject: image must be {depth.shape + (3,)}'
                         f' to colour the depth map, got {np.shape(image)}')
    rows, cols = np.nonzero(np.isfinite(depth) & (depth > 0))
    z = depth[rows, cols]
    points = np.stack([(cols - cx) * z / fx, (rows - cy) * z / fy, z], 1)
    colours = None
    if image is not None:
        colours = np.asarray(image)[rows, cols].astype(np.uint8)
    return points, colours


def write_ply(path: str, points: np.ndarray,
              colours: Optional[np.ndarray] = None) -> None:
    """Write points (and colours) as an ASCII PLY file.

    Args:
        path (str): File to write.
        points (np.ndarray): (N, 3) coordinates (``x y z`` float).
        colours (np.ndarray, optional): (N, 3) uint8 ``red green blue``.
    """
    points = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    header = ['ply', 'format ascii 1.0', f'element vertex {len(points)}',
              'property float x', 'property float y', 'property float z']
    if colours is not None:
        colours = np.asarray(colours).reshape(-1, 3)
        if len(colours) != len(points):
            raise ValueError(f'write_ply: {len(colours)} colours for '
                             f'{len(points)} points')
        header += ['property uchar red', 'property uchar green',
                   'property uchar blue']
    with open(path, 'w') as file:
        file.write('\n'.join(header + ['end_header']) + '\n')
        for index, point in enumerate(points):
            line = ' '.join(f'{value:.6g}' for value in point)
            if colours is not None:
                line += ' ' + ' '.join(str(int(c)) for c in colours[index])
            file.write(line + '\n')


def read_ply(path: str) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    """Read an ASCII PLY file of :func:`write_ply`.

    Returns:
        tuple: (N, 3) float points and (N, 3) uint8 colours (None when the
        file has none).

    Raises:
        ValueError: Not an ASCII PLY file.
    """
    with open(path) as file:
        lines = file.read().splitlines()
    if lines[:2] != ['ply', 'format ascii 1.0'] or 'end_header' not in lines:
        raise ValueError(f'{path} is not an ASCII PLY file')
    end = lines.index('end_header')
    count = int(next(line.split()[2] for line in lines[:end]
                     if line.startswith('element vertex')))
    has_colour = 'property uchar red' in lines[:end]
    rows = np.array([line.split() for line in lines[end + 1:end + 1 + count]],
                    dtype=np.float64).reshape(count, 6 if has_colour else 3)
    colours = rows[:, 3:6].astype(np.uint8) if has_colour else None
    return rows[:, :3], colours
