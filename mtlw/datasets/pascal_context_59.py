"""PASCAL Context (59 classes) that says what is missing before it loads."""
import os.path as osp
from typing import List, Optional

from mmseg.datasets import PascalContextDataset59

from mtlw.registry import DATASETS
from .utils import check_data_root

DOCS_PAGE = 'docs/datasets.md#pascal-context-59'
LAYOUT = """data/VOCdevkit/VOC2010/        (the data root)
  JPEGImages/<id>.jpg
  SegmentationClassContext/<id>.png
  ImageSets/SegmentationContext/train.txt, val.txt   (one <id> per line)"""
#: How many missing files an error lists.
MAX_LISTED = 5


def _missing(kind: str, path: str) -> FileNotFoundError:
    return FileNotFoundError(
        f'PASCAL Context {kind} {path!r} does not exist. Expected layout:\n'
        f'{LAYOUT}\nSee {DOCS_PAGE} for how to get and arrange the data.')


@DATASETS.register_module()
class PascalContext59Dataset(PascalContextDataset59):
    """mmseg's :class:`PascalContextDataset59`, checking the files first.

    PASCAL Context (Mottaghi et al., CVPR 2014) with the 59 most frequent
    classes; label 0 (background) becomes 255 and is ignored
    (``reduce_zero_label``), as in the CoV-Weighting paper's evaluation.
    Before loading, the data root, the image and label folders and the split
    file must exist, and after reading the split every listed image and label
    map must exist; otherwise a :class:`FileNotFoundError` names the missing
    paths, the expected layout and ``docs/datasets.md#pascal-context-59``.
    mmseg alone fails later, inside a data worker, with a bare assertion or
    a decoding error.

    Arguments are those of :class:`mmseg.datasets.PascalContextDataset59`;
    the check runs on local paths (``backend_args=None``).
    """

    def __init__(self, data_root: str = '', ann_file: str = '',
                 data_prefix: Optional[dict] = None, **kwargs) -> None:
        if data_prefix is None:
            data_prefix = dict(img_path='', seg_map_path='')
        if kwargs.get('backend_args') is None:
            self._check_layout(data_root, ann_file, data_prefix)
        super().__init__(data_root=data_root, ann_file=ann_file,
                         data_prefix=data_prefix, **kwargs)

    @staticmethod
    def _check_layout(data_root: str, ann_file: str,
                      data_prefix: dict) -> None:
        """Raise if the root, the two folders or the split file are missing."""
        check_data_root(data_root, LAYOUT, DOCS_PAGE)
        folders = (('image folder', data_prefix.get('img_path', '')),
                   ('label folder', data_prefix.get('seg_map_path', '')))
        for kind, folder in folders:
            path = osp.join(data_root, folder)
            if not osp.isdir(path):
                raise _missing(kind, path)
        split = osp.join(data_root, ann_file)
        if not ann_file or not osp.isfile(split):
            raise _missing('split file', split)

    def load_data_list(self) -> List[dict]:
        """mmseg's list of samples, after checking every file exists."""
        data_list = super().load_data_list()
        if self.backend_args is None:
            missing = [path for item in data_list
                       for path in (item['img_path'], item['seg_map_path'])
                       if not osp.isfile(path)]
            if missing:
                shown = '\n  '.join(missing[:MAX_LISTED])
                raise FileNotFoundError(
                    f'{len(missing)} files listed by the split file '
                    f'{self.ann_file!r} do not exist, e.g.:\n  {shown}\n'
                    f'Expected layout:\n{LAYOUT}\nSee {DOCS_PAGE}.')
        return data_list
