"""Helpers for dataset loaders: clear errors for missing or corrupt data."""
import os
import os.path as osp

import cv2
import numpy as np

_READ_FLAGS = {
    'color': cv2.IMREAD_COLOR,
    'grayscale': cv2.IMREAD_GRAYSCALE,
    'unchanged': cv2.IMREAD_UNCHANGED,
}


def check_data_root(path: str, expected_layout: str, docs_page: str) -> str:
    """Return ``path`` if it is a folder; otherwise say what belongs there.

    Args:
        path (str): The dataset root a config names.
        expected_layout (str): The folders and files expected under it, as
            the docs show them.
        docs_page (str): The docs page (or converter) that explains how to
            get the data.

    Returns:
        str: ``path``.

    Raises:
        FileNotFoundError: ``path`` is missing or not a folder; the message
            names it, the expected layout and ``docs_page``.
    """
    if not osp.isdir(path):
        problem = 'is not a folder' if osp.exists(path) else 'does not exist'
        raise FileNotFoundError(
            f'Data root {path!r} {problem}. Expected layout:\n'
            f'{expected_layout.rstrip()}\nSee {docs_page} for how to get or '
            'convert the data.')
    return path


def read_image(path: str, flag: str = 'color') -> np.ndarray:
    """Read an image with OpenCV, failing clearly when it cannot.

    Args:
        path (str): Image file.
        flag (str): ``'color'`` (H, W, 3 uint8 BGR, as mmcv loads),
            ``'grayscale'`` or ``'unchanged'`` (keeps 16-bit PNGs).

    Returns:
        np.ndarray: The decoded image.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: ``flag`` is unknown, or OpenCV cannot decode the file
            (corrupt, truncated or not an image); the message names it.
    """
    if flag not in _READ_FLAGS:
        raise ValueError(
            f'read_image: flag must be one of {sorted(_READ_FLAGS)}, '
            f'got {flag!r}')
    if not osp.isfile(path):
        raise FileNotFoundError(f'Image file {path!r} does not exist')
    image = cv2.imread(os.fspath(path), _READ_FLAGS[flag])
    if image is None:
        raise ValueError(f'Cannot decode image {path!r}: the file is corrupt, '
                         'truncated or not an image')
    return image
