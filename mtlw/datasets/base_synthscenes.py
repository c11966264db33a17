"""The dataset side of SynthScenes, shared by its three registered datasets.

Samples are rendered on the fly in :meth:`get_data_info` (no files), by the
one renderer in :mod:`mtlw.datasets.synthscenes`; a subclass only picks the
views to render and the fields to hand to the pipeline. See
docs/synthscenes.md.
"""
import math
from numbers import Integral, Real
from typing import Callable, Dict, List, Sequence, Tuple, Union

from mmseg.datasets import BaseSegDataset

from .synthscenes import (CLASSES, IGNORE_INDEX, PALETTE, SPLITS,
                          StereoCamera, View, render_sample)


class BaseSynthScenesDataset(BaseSegDataset):
    """Procedurally ray-cast scenes rendered per sample, deterministically.

    Every sample carries, besides its own fields (:meth:`sample_fields`):
    ``img_path`` and ``seg_map_path`` (``'synthscenes://<split>/<index>'``,
    placeholders), ``img_shape`` and ``ori_shape`` (``(h, w)``),
    ``reduce_zero_label`` (False), ``focal`` (pixels), ``baseline`` (metres)
    and ``seg_fields``: every dense map except ``img``, so that mmseg's
    geometric transforms move them together with the image.

    Args:
        num_samples (int): Number of samples.
        img_size (tuple[int, int]): ``(height, width)`` in pixels.
        seed (int): Seed of the scene generator; sample ``i`` of ``split``
            is the same scene for the same seed.
        split (str): ``'train'``, ``'val'`` or ``'test'``: disjoint scene
            streams for the same seed.
        baseline (float): Stereo baseline in metres. Defaults to 0.54
            (KITTI).
        focal_ratio (float): Focal length over image width. Defaults to 0.58
            (KITTI: 721.5 px at 1242 px).
        max_depth (float): Farther surfaces are invalid (depth 0, label
            255). Defaults to 80 m.
        pipeline (list[dict | callable]): Transforms applied to each sample.
        test_mode (bool): See :class:`mmengine.dataset.BaseDataset`.
        lazy_init (bool): See :class:`mmengine.dataset.BaseDataset`.
        indices (int | Sequence[int], optional): Use only these samples.
        serialize_data (bool): See :class:`mmengine.dataset.BaseDataset`.
            Defaults to False: the sample list is tiny, and serialising
            it costs a full garbage collection.
        max_refetch (int): See :class:`mmengine.dataset.BaseDataset`.
    """

    METAINFO = dict(classes=CLASSES, palette=PALETTE)
    VIEWS: Tuple[str, ...] = ('left', )

    def __init__(self,
                 num_samples: int,
                 img_size: Sequence[int] = (128, 256),
                 seed: int = 0,
                 split: str = 'train',
                 baseline: float = 0.54,
                 focal_ratio: float = 0.58,
                 max_depth: float = 80.0,
                 pipeline: Sequence[Union[dict, Callable]] = (),
                 test_mode: bool = False,
                 lazy_init: bool = False,
                 indices: Union[int, Sequence[int], None] = None,
                 serialize_data: bool = False,
                 max_refetch: int = 1000) -> None:
        name = type(self).__name__
        self.num_samples = _check_int(name, 'num_samples', num_samples, 1)
        self.seed = _check_int(name, 'seed', seed, 0)
        if split not in SPLITS:
            raise ValueError(
                f'{name}: split must be one of {SPLITS}, got {split!r}')
        self.split = split
        self.max_depth = _check_positive(name, 'max_depth', max_depth)
        self.camera = StereoCamera.from_size(
            _check_img_size(name, img_size),
            _check_positive(name, 'focal_ratio', focal_ratio),
            _check_positive(name, 'baseline', baseline))
        super().__init__(
            pipeline=list(pipeline),
            test_mode=test_mode,
            lazy_init=lazy_init,
            indices=indices,
            serialize_data=serialize_data,
            max_refetch=max_refetch,
            ignore_index=IGNORE_INDEX,
            reduce_zero_label=False)

    def load_data_list(self) -> List[dict]:
        """One light entry per sample; the arrays come in get_data_info."""
        data_list = []
        for index in range(self.num_samples):
            path = f'synthscenes://{self.split}/{index:06d}'
            data_list.append(
                dict(img_path=path, seg_map_path=path, scene_index=index))
        return data_list

    def get_data_info(self, idx: int) -> dict:
        """Render sample ``idx`` and return its results dict."""
        info = super().get_data_info(idx)
        views = render_sample(self.camera, self.seed, self.split,
                              info['scene_index'], self.VIEWS,
                              self.max_depth)
        fields = self.sample_fields(views)
        shape = (self.camera.height, self.camera.width)
        info.update(fields)
        info.update(
            img_shape=shape,
            ori_shape=shape,
            reduce_zero_label=False,
            focal=self.camera.focal,
            baseline=self.camera.baseline,
            seg_fields=[key for key in fields if key != 'img'])
        return info

    def sample_fields(self, views: Dict[str, View]) -> dict:
        """The arrays of one sample (``img`` and ``gt_*`` maps)."""
        raise NotImplementedError


def _check_int(dataset: str, name: str, value: object, lowest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) \
            or value < lowest:
        raise ValueError(f'{dataset}: {name} must be an integer >= {lowest}, '
                         f'got {value!r}')
    return int(value)


def _check_positive(dataset: str, name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) \
            or not math.isfinite(value) or value <= 0:
        raise ValueError(
            f'{dataset}: {name} must be a positive number, got {value!r}')
    return float(value)


def _check_img_size(dataset: str, img_size: object) -> Tuple[int, int]:
    if isinstance(img_size, (str, bytes)) or not isinstance(
            img_size, Sequence) or len(img_size) != 2 or not all(
                isinstance(v, Integral) and not isinstance(v, bool) and v > 0
                for v in img_size):
        raise ValueError(f'{dataset}: img_size must be (height, width), two '
                         f'positive integers, got {img_size!r}')
    return int(img_size[0]), int(img_size[1])
