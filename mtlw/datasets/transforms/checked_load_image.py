"""mmcv's LoadImageFromFile that names the file it cannot use."""
from typing import Optional

from mmcv.transforms import LoadImageFromFile

from mtlw.registry import TRANSFORMS
from ..utils import check_file, naming_file


@TRANSFORMS.register_module()
class CheckedLoadImageFromFile(LoadImageFromFile):
    """:class:`mmcv.transforms.LoadImageFromFile` with clear errors.

    Decodes exactly as mmcv does, but a zero-byte, truncated or undecodable
    image raises :class:`~mtlw.datasets.utils.DataFileError` naming the file
    (mmcv alone stops on OpenCV's bare ``!buf.empty()`` assertion). With
    ``ignore_empty=True`` mmcv's behaviour (skip the sample) is kept.
    Arguments are those of :class:`~mmcv.transforms.LoadImageFromFile`.
    """

    def transform(self, results: dict) -> Optional[dict]:
        """Load ``results['img_path']`` (see mmcv), naming it on failure."""
        if self.ignore_empty:
            return super().transform(results)
        path = results['img_path']
        if self.backend_args is None and self.file_client_args is None:
            check_file(path)
        with naming_file(path):
            return super().transform(results)
