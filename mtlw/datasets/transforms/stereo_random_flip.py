"""Random flip of a rectified stereo pair: swap the views and mirror both."""
from mtlw.registry import TRANSFORMS
from .random_flip_with_normals import RandomFlipWithNormals

# (left-view key, right-view key) of every per-view field
STEREO_PAIRS = (('img', 'img_right'), ('gt_seg_map', 'gt_seg_map_right'),
                ('gt_depth_map', 'gt_depth_map_right'),
                ('gt_disp_map', 'gt_disp_map_right'),
                ('gt_normal_map', 'gt_normal_map_right'),
                ('gt_visible_mask', 'gt_visible_mask_right'))


@TRANSFORMS.register_module()
class StereoRandomFlip(RandomFlipWithNormals):
    """Horizontal flip of a stereo sample that keeps it a valid stereo pair.

    Mirroring a rectified pair puts the left camera on the right, so with
    probability ``prob`` the views swap and both are mirrored: the new left
    image is the mirrored right image and the new right image the mirrored
    left one, and the same for every per-view map (``gt_disp_map`` /
    ``gt_disp_map_right``, ``gt_depth_map``, ``gt_visible_mask``,
    ``gt_seg_map``, ``gt_normal_map``, see :data:`STEREO_PAIRS`). Disparity
    keeps its sign convention (left pixel ``u`` matches right ``u - d``).
    Normals get their x negated as in :class:`RandomFlipWithNormals`; a
    vertical flip mirrors both views without swapping them.

    Every per-view field present needs its partner, or the flip would leave
    it describing the wrong view (a KeyError names it).

    Args:
        prob (float | list[float]): Flip probability. See mmseg's
            RandomFlip.
        direction (str | list[str]): Defaults to ``'horizontal'``.
    """

    def _swap_views(self, results: dict) -> None:
        for left, right in STEREO_PAIRS:
            if (left in results) != (right in results):
                present, missing = (left, right) if left in results \
                    else (right, left)
                raise KeyError(
                    f'StereoRandomFlip swaps the views, but the sample has '
                    f"'{present}' without '{missing}'")
            if left in results:
                results[left], results[right] = results[right], results[left]
