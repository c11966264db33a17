"""mmseg's RandomFlip that keeps surface normals consistent with the image."""
import numpy as np
from mmseg.datasets.transforms import RandomFlip

from mtlw.registry import TRANSFORMS

NORMAL_KEYS = ('gt_normal_map', 'gt_normal_map_right')
# set by the mtlw flips; PackMultiTaskInputs refuses flipped samples with
# normals or a right view that a plain RandomFlip produced
FLIP_CHECKED_KEY = 'flip_keeps_geometry'
# camera-frame components (x right, y down, z forward) that a flip negates
_FLIPPED_AXES = {'horizontal': (0, ), 'vertical': (1, ), 'diagonal': (0, 1)}


def flip_normal_vectors(normals: np.ndarray, direction: str) -> np.ndarray:
    """Negate the normal components that an image flip mirrors.

    x for a horizontal flip, y for a vertical one, both for a diagonal one;
    mirroring the map itself is a separate step (``mmcv.imflip``).

    Args:
        normals (np.ndarray): (H, W, 3) camera-frame normals (x right,
            y down, z forward).
        direction (str): ``'horizontal'``, ``'vertical'`` or
            ``'diagonal'``.

    Returns:
        np.ndarray: The normals with those components negated (a copy).
    """
    flipped = normals.copy()
    for axis in _FLIPPED_AXES[direction]:
        np.negative(flipped[..., axis], out=flipped[..., axis])
    return flipped


@TRANSFORMS.register_module()
class RandomFlipWithNormals(RandomFlip):
    """Flip image and dense maps; negate the normal component that flips.

    Exactly mmseg's :class:`~mmseg.datasets.transforms.RandomFlip` (the image
    and every map in ``seg_fields`` are mirrored; arguments ``prob``,
    ``direction``, ``swap_seg_labels``) plus, for ``gt_normal_map``: the map
    is mirrored even when it is not in ``seg_fields``, and the x component
    of every normal is negated on a horizontal flip (y on vertical, both on
    diagonal), as a mirrored scene has mirrored surfaces. Depth is unchanged
    by a flip. A stereo pair cannot be mirrored horizontally without swapping
    its views: samples with ``img_right`` need :class:`StereoRandomFlip`.

    Required keys: ``img``. Modified: ``img``, maps in ``seg_fields``,
    ``gt_normal_map`` (added to ``seg_fields`` if missing there). Added:
    ``flip``, ``flip_direction``, ``flip_keeps_geometry``.
    """

    def _flip(self, results: dict) -> None:
        direction = results['flip_direction']
        if 'img_right' in results and direction != 'vertical':
            self._swap_views(results)
        fields = results.setdefault('seg_fields', [])
        for key in NORMAL_KEYS + ('img_right', ):
            if key in results and key not in fields:
                fields.append(key)
        super()._flip(results)
        for key in NORMAL_KEYS:
            if key in results:
                results[key] = flip_normal_vectors(results[key], direction)
        results[FLIP_CHECKED_KEY] = True

    def _swap_views(self, results: dict) -> None:
        """Called for stereo samples on horizontal and diagonal flips."""
        raise ValueError(
            f'{type(self).__name__} cannot flip a stereo pair horizontally: '
            "the sample has 'img_right', and a mirrored pair must swap its "
            'views. Use StereoRandomFlip.')
