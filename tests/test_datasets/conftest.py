"""Small SynthScenes samples shared by the dataset tests (48 x 96)."""
from typing import List

import numpy as np
import pytest
from mmengine.registry import DefaultScope

from mtlw.datasets import (SynthScenesMultiTaskDataset,
                           SynthScenesStereoDataset)

SIZE = (48, 96)
NUM_SAMPLES = 6


@pytest.fixture
def mmseg_scope():
    """Build configs in the mmseg scope, as a Runner with mmseg configs."""
    with DefaultScope.overwrite_default_scope('mmseg'):
        yield


@pytest.fixture(scope='session')
def stereo_samples() -> List[dict]:
    dataset = SynthScenesStereoDataset(num_samples=NUM_SAMPLES, img_size=SIZE)
    return [dataset.get_data_info(i) for i in range(NUM_SAMPLES)]


@pytest.fixture(scope='session')
def multitask_samples() -> List[dict]:
    dataset = SynthScenesMultiTaskDataset(num_samples=NUM_SAMPLES,
                                          img_size=SIZE)
    return [dataset.get_data_info(i) for i in range(NUM_SAMPLES)]


@pytest.fixture(scope='session')
def sample_rows():
    """Bilinear row sampling, the warp of a rectified stereo pair."""
    return _sample_rows


def _sample_rows(image: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Bilinear samples of ``image`` (H, W[, C]) at real ``columns`` (H, W)
    along each row (border clamped), as a rectified stereo warp does."""
    height, width = columns.shape
    left = np.clip(np.floor(columns).astype(int), 0, width - 1)
    right = np.clip(left + 1, 0, width - 1)
    frac = columns - np.floor(columns)
    if image.ndim == 3:
        frac = frac[..., None]
    rows = np.arange(height)[:, None]
    return (1 - frac) * image[rows, left] + frac * image[rows, right]


@pytest.fixture(scope='session')
def back_project():
    """Camera-frame points of a depth map."""
    return _back_project


def _back_project(depth: np.ndarray, focal: float) -> np.ndarray:
    """Camera-frame points (H, W, 3) of a depth map; principal point at the
    image centre."""
    height, width = depth.shape
    u, v = np.meshgrid(np.arange(width) - (width - 1) / 2,
                       np.arange(height) - (height - 1) / 2)
    return np.stack([u / focal * depth, v / focal * depth, depth], axis=-1)
