"""Colour augmentation applied identically to both views of a stereo pair."""
from typing import Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from mtlw.registry import TRANSFORMS


def jitter_colors(image: np.ndarray, gamma: float, brightness: float,
                  colors: Sequence[float]) -> np.ndarray:
    """``clip((x ** gamma) * brightness * colors[c], 0, 1)`` on x = image/255.

    Args:
        image (np.ndarray): (H, W, C) image in 0..255.
        gamma (float): Gamma exponent.
        brightness (float): Global factor.
        colors (Sequence[float]): One factor per channel.

    Returns:
        np.ndarray: (H, W, C) float32 image in 0..255.
    """
    x = image.astype(np.float32) / 255
    x = x ** gamma * brightness * np.asarray(colors, np.float32)
    return np.clip(x, 0, 1) * 255


@TRANSFORMS.register_module()
class StereoColorJitter(BaseTransform):
    """Monodepth's colour augmentation, the same draw for both views.

    With probability ``prob``: gamma ~ U(``gamma_range``), brightness ~
    U(``brightness_range``) and one colour factor per channel ~
    U(``color_range``), applied by :func:`jitter_colors` to ``img`` and
    ``img_right`` alike, so the photometric losses still compare matching
    pixels (Godard et al. 2017: [0.8, 1.2], [0.5, 2.0], [0.8, 1.2], 0.5).

    Required keys: ``img``. Modified: ``img``, ``img_right`` (float32,
    0..255).

    Args:
        prob (float): Probability of jittering a sample. Defaults to 0.5.
        gamma_range (Sequence[float]): Defaults to (0.8, 1.2).
        brightness_range (Sequence[float]): Defaults to (0.5, 2.0).
        color_range (Sequence[float]): Defaults to (0.8, 1.2).
    """

    def __init__(self, prob: float = 0.5,
                 gamma_range: Sequence[float] = (0.8, 1.2),
                 brightness_range: Sequence[float] = (0.5, 2.0),
                 color_range: Sequence[float] = (0.8, 1.2)) -> None:
        if not 0 <= prob <= 1:
            raise ValueError(f'StereoColorJitter prob must be in [0, 1], '
                             f'got {prob}')
        self.prob = prob
        self.gamma_range = tuple(gamma_range)
        self.brightness_range = tuple(brightness_range)
        self.color_range = tuple(color_range)

    def transform(self, results: dict) -> dict:
        if np.random.rand() >= self.prob:
            return results
        channels = results['img'].shape[-1]
        draw = dict(gamma=np.random.uniform(*self.gamma_range),
                    brightness=np.random.uniform(*self.brightness_range),
                    colors=np.random.uniform(*self.color_range, channels))
        for key in ('img', 'img_right'):
            if key in results:
                results[key] = jitter_colors(results[key], **draw)
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(prob={self.prob}, gamma_range='
                f'{self.gamma_range}, brightness_range={self.brightness_range}'
                f', color_range={self.color_range})')
