"""Filling missing depth guided by the colour image (Levin et al.'s
colorization, as the NYU Depth v2 toolbox applies it)."""
from typing import Tuple

import numpy as np
from scipy.sparse import coo_matrix, diags
from scipy.sparse.linalg import spsolve

#: MATLAB's rgb2gray weights of R, G, B.
GRAY_WEIGHTS = (0.2989, 0.5870, 0.1140)
#: Depth values the toolbox treats as missing (no return; the clamp at 10 m).
MISSING_DEPTHS = (0.0, 10.0)


def _neighbour_offsets(radius: int) -> Tuple[Tuple[int, int], ...]:
    return tuple((dy, dx) for dy in range(-radius, radius + 1)
                 for dx in range(-radius, radius + 1) if dy or dx)


def colorization_weights(gray: np.ndarray, radius: int = 1
                         ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The affinities of every pixel to its window neighbours.

    For pixel ``r`` with grey value ``g_r`` and neighbours ``s`` (the
    ``(2 radius + 1)^2 - 1`` others of its window, clipped at the border),
    ``w_rs = exp(-(g_s - g_r)^2 / sigma_r)`` normalised to sum 1, where
    ``sigma_r = 0.6 var(window)`` (the population variance over the window,
    ``r`` included), raised to ``-min_s (g_s - g_r)^2 / log(0.01)`` (so the
    closest neighbour keeps a weight of at least 0.01 before normalising)
    and to at least ``2e-6``.

    Args:
        gray (np.ndarray): (H, W) grey image in [0, 1].
        radius (int): Window radius. Defaults to 1 (3 x 3), the toolbox's.

    Returns:
        tuple[np.ndarray, np.ndarray, np.ndarray]: Row index, column index
        (flat pixel indices) and normalised weight of every pair.
    """
    height, width = gray.shape
    index = np.arange(height * width).reshape(height, width)
    padded = np.pad(gray.astype(np.float64), radius, constant_values=np.nan)
    neighbours = np.stack([
        padded[radius + dy:radius + dy + height,
               radius + dx:radius + dx + width]
        for dy, dx in _neighbour_offsets(radius)])
    valid = ~np.isnan(neighbours)
    window = np.concatenate([neighbours, gray[None].astype(np.float64)])
    variance = np.nanvar(window, axis=0)
    squared = np.where(valid, (neighbours - gray) ** 2, np.nan)
    sigma = np.maximum(0.6 * variance,
                       -np.nanmin(squared, axis=0) / np.log(0.01))
    sigma = np.maximum(sigma, 2e-6)
    weights = np.where(valid, np.exp(-np.nan_to_num(squared) / sigma), 0.0)
    weights /= weights.sum(axis=0)
    padded_index = np.pad(index, radius, constant_values=-1)
    columns = np.stack([
        padded_index[radius + dy:radius + dy + height,
                     radius + dx:radius + dx + width]
        for dy, dx in _neighbour_offsets(radius)])
    rows = np.broadcast_to(index, columns.shape)
    return rows[valid], columns[valid], weights[valid]


def fill_depth_colorization(rgb: np.ndarray, depth: np.ndarray,
                            alpha: float = 1.0,
                            keep_known: bool = True) -> np.ndarray:
    """Fill missing depth by colorization (Levin, Lischinski and Weiss,
    "Colorization using Optimization", SIGGRAPH 2004), as the NYU Depth v2
    toolbox's ``fill_depth_colorization`` (Silberman et al., "Indoor
    Segmentation and Support Inference from RGBD Images", ECCV 2012).

    Depth is the weighted least-squares solution of
    ``(A + G) x = G d``: ``A = I - W`` with ``W`` the grey-level affinities
    of :func:`colorization_weights` (3 x 3 window), ``G`` diagonal with
    ``alpha`` at measured pixels (0 elsewhere) and ``d`` the measured depth,
    solved with ``scipy.sparse.linalg.spsolve``. Missing pixels are those
    equal to 0 or 10 (the toolbox's no-return and clamp values).

    The toolbox's scaling of depth by its maximum before the solve is left
    out: the system is linear in ``d``, so it does not change the result.

    Args:
        rgb (np.ndarray): (H, W, 3) RGB image, uint8 or float in [0, 1].
        depth (np.ndarray): (H, W) depth, missing pixels 0 (or 10).
        alpha (float): Weight of the measured depths. Defaults to 1.
        keep_known (bool): Write the measured depths back at measured
            pixels (the solve treats them as soft constraints and moves them
            slightly). False returns the toolbox's result unchanged.

    Returns:
        np.ndarray: (H, W) float64 filled depth; ``depth`` as float when no
        pixel is measured.

    Raises:
        ValueError: the shapes do not match or ``alpha`` is not positive.
    """
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.shape[:2] != depth.shape:
        raise ValueError(f'fill_depth_colorization: rgb must be (H, W, 3) and '
                         f'depth (H, W), got {rgb.shape} and {depth.shape}')
    if not alpha > 0:
        raise ValueError(f'fill_depth_colorization: alpha must be positive, '
                         f'got {alpha!r}')
    depth = depth.astype(np.float64)
    known = ~np.isin(depth, MISSING_DEPTHS)
    if not known.any():
        return depth
    image = rgb.astype(np.float64)
    if rgb.dtype == np.uint8:
        image /= 255
    gray = image @ np.array(GRAY_WEIGHTS)
    rows, cols, weights = colorization_weights(gray)
    size = depth.size
    affinity = coo_matrix((weights, (rows, cols)), shape=(size, size))
    prior = alpha * known.ravel().astype(np.float64)
    system = (diags(np.ones(size) + prior) - affinity).tocsc()
    # the pattern is symmetric (3 x 3 windows): a minimum-degree ordering of
    # A^T + A factorises a few times faster than the default COLAMD
    filled = spsolve(system, prior * depth.ravel(),
                     permc_spec='MMD_AT_PLUS_A').reshape(depth.shape)
    if keep_known:
        filled[known] = depth[known]
    return filled
