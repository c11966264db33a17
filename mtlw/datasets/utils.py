"""Helpers for dataset loaders: clear errors for missing or corrupt data."""
import contextlib
import os
import os.path as osp
from typing import Iterator, Optional, Sequence, Tuple

import cv2
import numpy as np

# As mmcv decodes (EXIF orientation ignored), so that mtlw's loaders and
# mmseg's LoadImageFromFile give the same pixels.
_READ_FLAGS = {
    'color': cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION,
    'grayscale': cv2.IMREAD_GRAYSCALE | cv2.IMREAD_IGNORE_ORIENTATION,
    'unchanged': cv2.IMREAD_UNCHANGED,
}


class DataFileError(ValueError):
    """A data file that exists but cannot be used: empty, undecodable, or
    of the wrong size, dtype, channels or value range. The message names
    the file, the property, what was expected and what was found."""


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


def check_file(path: str, what: str = 'Image') -> str:
    """``path`` if it is a non-empty file.

    Args:
        path (str): The data file.
        what (str): What it is, for the message (``'Image'``, ...).

    Returns:
        str: ``path``.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        DataFileError: ``path`` is empty (0 bytes).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{what} file {path!r} does not exist')
    if osp.getsize(path) == 0:
        raise DataFileError(f'Cannot decode {what.lower()} {path!r}: the '
                            'file is empty (0 bytes)')
    return path


def _channels(array: np.ndarray) -> int:
    return 1 if array.ndim == 2 else array.shape[2]


def check_array(array: np.ndarray, path: str,
                dtype: Optional[type] = None,
                channels: Optional[int] = None,
                size: Optional[Sequence[int]] = None,
                values: Optional[Tuple[float, float]] = None,
                allowed: Sequence[float] = (),
                note: str = '') -> np.ndarray:
    """``array`` (decoded from ``path``) if it has the expected properties.

    Args:
        array (np.ndarray): (H, W) or (H, W, C) data read from ``path``.
        path (str): Its file, for the message.
        dtype (type, optional): Expected dtype, e.g. ``np.uint16``.
        channels (int, optional): Expected channels (1 for an (H, W) map).
        size (Sequence[int], optional): Expected (H, W): its image's size.
        values (tuple[float, float], optional): Inclusive range of the
            values, besides ``allowed`` (e.g. the ignore label 255).
        allowed (Sequence[float]): Values accepted outside ``values``.
        note (str): How the file is encoded, appended to dtype errors
            (e.g. ``'disparity x 256'``).

    Returns:
        np.ndarray: ``array``.

    Raises:
        DataFileError: a property differs; the message names ``path``, the
            property, the expected and the found value.
    """
    found = []
    if dtype is not None and array.dtype != np.dtype(dtype):
        hint = f' ({note})' if note else ''
        found.append(('dtype', f'{np.dtype(dtype)}{hint}', array.dtype))
    if channels is not None and _channels(array) != channels:
        found.append(('channels', channels, _channels(array)))
    if size is not None and tuple(array.shape[:2]) != tuple(size):
        found.append(('size (H, W)', f'{tuple(size)} (its image\'s)',
                      tuple(array.shape[:2])))
    if values is not None and array.size:
        inside = (array >= values[0]) & (array <= values[1])
        bad = array[~(inside | np.isin(array, allowed))]
        if bad.size:
            extra = f' or {list(allowed)}' if len(allowed) else ''
            found.append(('values', f'{values[0]}..{values[1]}{extra}',
                          f'{bad.size} pixels outside, e.g. {bad.flat[0]} '
                          f'(range {array.min()}..{array.max()})'))
    if found:
        raise DataFileError(f'{path!r}: ' + '; '.join(
            f'{name} expected {want}, found {got}'
            for name, want, got in found))
    return array


def read_image(path: str, flag: str = 'color', **checks) -> np.ndarray:
    """Read an image with OpenCV and check it, failing clearly when it is
    unusable. The reader of every mtlw loader.

    Args:
        path (str): Image file.
        flag (str): ``'color'`` (H, W, 3 uint8 BGR, as mmcv loads),
            ``'grayscale'`` or ``'unchanged'`` (keeps 16-bit PNGs).
        **checks: Expected properties, see :func:`check_array` (``dtype``,
            ``channels``, ``size``, ``values``, ``allowed``, ``note``).

    Returns:
        np.ndarray: The decoded image.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: ``flag`` is unknown.
        DataFileError: the file is empty, OpenCV cannot decode it (corrupt,
            truncated or not an image), or a checked property differs; the
            message names the file.
    """
    if flag not in _READ_FLAGS:
        raise ValueError(
            f'read_image: flag must be one of {sorted(_READ_FLAGS)}, '
            f'got {flag!r}')
    check_file(path)
    image = cv2.imread(os.fspath(path), _READ_FLAGS[flag])
    if image is None:
        raise DataFileError(f'Cannot decode image {path!r}: the file is '
                            'corrupt, truncated or not an image')
    return check_array(image, path, **checks)


def read_npy(path: str, **checks) -> np.ndarray:
    """Load a ``.npy`` array and check it like :func:`read_image`.

    Args:
        path (str): ``.npy`` file.
        **checks: See :func:`check_array`.

    Returns:
        np.ndarray: The array.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        DataFileError: empty, not a ``.npy`` array, or a checked property
            differs.
    """
    check_file(path, 'Array')
    try:
        array = np.load(path)
    except (OSError, ValueError, EOFError) as error:
        raise DataFileError(f'Cannot read {path!r} as a .npy array: '
                            f'{error}') from None
    return check_array(array, path, **checks)


def check_disparity_png(png: np.ndarray, path: str,
                        size: Optional[Sequence[int]] = None) -> np.ndarray:
    """A KITTI or Cityscapes disparity PNG: one-channel uint16 holding
    disparity x 256 (0 invalid), checked for its encoding.

    Besides dtype, channels and ``size``, a map with valid pixels that are
    all below 256 (every disparity under one pixel, every depth beyond
    ``focal x baseline``: hundreds of metres) was stored without the x 256
    scaling, e.g. an 8-bit disparity saved as 16 bits.

    Args:
        png (np.ndarray): The file as read unchanged.
        path (str): Its file, for the message.
        size (Sequence[int], optional): Its image's (H, W).

    Returns:
        np.ndarray: ``png``.

    Raises:
        DataFileError: the file is not such a map.
    """
    check_array(png, path, dtype=np.uint16, channels=1, size=size,
                note='disparity x 256')
    if png.max() > 1 and png.max() < 256:
        raise DataFileError(
            f'{path!r}: values expected disparity x 256 (some above 256, '
            f'i.e. disparities of a pixel or more), found at most '
            f'{png.max()}: every disparity under 1 px, every depth hundreds '
            'of metres away; the map looks unscaled or 8-bit')
    return png


@contextlib.contextmanager
def naming_file(path: str, what: str = 'image') -> Iterator[None]:
    """Turn a decoder's error inside the block (OpenCV's bare assertion,
    PIL's UnidentifiedImageError, ...) into a :class:`DataFileError` that
    names ``path``; FileNotFoundError and DataFileError pass unchanged.

    Args:
        path (str): The file being decoded.
        what (str): What it is, for the message.
    """
    try:
        yield
    except (FileNotFoundError, DataFileError):
        raise
    except Exception as error:  # noqa: BLE001 (any decoder failure)
        raise DataFileError(
            f'Cannot decode {what} {path!r}: the file is corrupt, truncated '
            f'or not an image ({type(error).__name__}: {error})') from error


#: The first bytes of every PNG file.
PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'


def png_bit_depth(path: str) -> Optional[int]:
    """Bits per sample of a PNG file (8 or 16, from its IHDR header), or
    None when ``path`` is not a PNG.

    Args:
        path (str): The file.

    Returns:
        int, optional: The bit depth.
    """
    with open(path, 'rb') as file:
        head = file.read(25)
    if len(head) < 25 or not head.startswith(PNG_SIGNATURE) or \
            head[12:16] != b'IHDR':
        return None
    return head[24]
