"""mmseg's LoadAnnotations that refuses label maps unlike their image."""
from typing import Optional

from mmseg.datasets.transforms import LoadAnnotations

from mtlw.registry import TRANSFORMS
from ..utils import (DataFileError, check_array, check_file, naming_file,
                     png_bit_depth)


@TRANSFORMS.register_module()
class CheckedLoadAnnotations(LoadAnnotations):
    """:class:`mmseg.datasets.transforms.LoadAnnotations` with checks.

    Loads the label map as mmseg does, then requires it to have its image's
    size (``ori_shape``, set by the image loader, so the check holds also
    after a ``Resize``) and, with ``num_classes``, labels in ``0 ..
    num_classes - 1`` or 255 (after ``reduce_zero_label``). A local label
    PNG must be 8-bit: mmseg casts a 16-bit map to uint8, which silently
    wraps values above 255. An empty or
    undecodable file or a failed check raises
    :class:`~mtlw.datasets.utils.DataFileError` naming the file, the
    expected and the found property.

    Args:
        num_classes (int, optional): Classes of the dataset; None skips the
            value check.
        **kwargs: Arguments of :class:`~mmseg.datasets.transforms.
            LoadAnnotations` (``reduce_zero_label``, ...).
    """

    def __init__(self, num_classes: Optional[int] = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.num_classes = num_classes

    def _load_seg_map(self, results: dict) -> None:
        """Load ``results['seg_map_path']`` (see mmseg) and check it."""
        path = results['seg_map_path']
        if self.backend_args is None:
            check_file(path, 'Label map')
            if png_bit_depth(path) == 16:
                raise DataFileError(
                    f'{path!r}: label maps must be 8-bit PNGs (uint8), '
                    'found a 16-bit PNG, whose values mmseg would wrap to '
                    '8 bits; write the labels as uint8 (see '
                    'docs/datasets.md)')
        with naming_file(path, 'label map'):
            super()._load_seg_map(results)
        values = None if self.num_classes is None else (
            0, self.num_classes - 1)
        check_array(results['gt_seg_map'], path, channels=1,
                    size=results.get('ori_shape'), values=values,
                    allowed=(255, ))
