"""The Cityscapes stereo camera and its disparity maps."""
import numpy as np

#: Stereo baseline in metres and focal length in pixels (2048 x 1024 images),
#: from the Cityscapes camera calibration.
CITYSCAPES_BASELINE = 0.209313
CITYSCAPES_FOCAL = 2262.52


def disparity_png_to_depth(png: np.ndarray,
                           baseline: float = CITYSCAPES_BASELINE,
                           focal: float = CITYSCAPES_FOCAL) -> np.ndarray:
    """Depth from a Cityscapes ``*_disparity.png``.

    Pixel values ``p > 0`` encode the disparity ``d = (p - 1) / 256`` pixels;
    ``p = 0`` is invalid. Depth is ``baseline * focal / d`` where ``d > 0``,
    0 elsewhere (``p`` of 0 or 1).

    Args:
        png (np.ndarray): (H, W) uint16 disparity image as read unchanged.
        baseline (float): Metres. Defaults to Cityscapes'.
        focal (float): Pixels at the width of ``png``. Defaults to
            Cityscapes' (2048 px wide).

    Returns:
        np.ndarray: (H, W) float32 depth in metres, 0 invalid.
    """
    if png.ndim != 2:
        raise ValueError(f'a disparity PNG is one channel, got shape '
                         f'{png.shape}')
    disparity = (png.astype(np.float64) - 1) / 256
    depth = np.zeros(png.shape, dtype=np.float64)
    valid = (png > 0) & (disparity > 0)
    depth[valid] = baseline * focal / disparity[valid]
    return depth.astype(np.float32)
