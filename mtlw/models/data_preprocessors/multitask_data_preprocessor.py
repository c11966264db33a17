"""Normalises images and pads every ground-truth map of a multi-task batch."""
from typing import Optional, Sequence, Union

import torch.nn.functional as F
from mmengine.model import ImgDataPreprocessor
from mmengine.structures import PixelData

from mtlw.registry import MODELS, register_former_name


@MODELS.register_module()
class MultiTaskDataPreprocessor(ImgDataPreprocessor):
    """Image normalisation and batching for multi-task dense prediction.

    Does what mmengine's :class:`ImgDataPreprocessor` does to the images
    (device transfer, BGR to RGB, ``(x - mean) / std``, bottom/right padding to
    the largest image of the batch rounded up to ``pad_size_divisor``,
    stacking), then pads every ground-truth map of the data samples (each
    ``PixelData`` field named ``gt_*``) to the padded size: ``gt_sem_seg``
    with ``seg_pad_value`` (the ignore index), the other maps with 0, which
    every mtlw dense loss and metric reads as invalid. mmseg's
    ``SegDataPreProcessor`` pads only ``gt_sem_seg``, ``gt_edge_map`` and
    ``gt_depth_map``, the latter with the ignore index, which would be read
    as a depth of 255.

    Each sample's metainfo gets ``img_shape`` (its size before padding) and
    ``pad_shape``; predictions are cropped back to ``img_shape``.

    Args:
        mean (Sequence[float], optional): Per-channel mean (after the
            channel conversion).
        std (Sequence[float], optional): Per-channel standard deviation.
        pad_size_divisor (int): Padded sizes are multiples of this.
            Defaults to 1.
        pad_value (float): Padding value of the images. Defaults to 0.
        seg_pad_value (int): Padding value of ``gt_sem_seg``. Defaults to
            255.
        bgr_to_rgb (bool): Convert BGR inputs to RGB. Defaults to False.
        rgb_to_bgr (bool): Convert RGB inputs to BGR. Defaults to False.
    """

    def __init__(self, mean: Optional[Sequence[float]] = None,
                 std: Optional[Sequence[float]] = None,
                 pad_size_divisor: int = 1,
                 pad_value: Union[float, int] = 0,
                 seg_pad_value: int = 255,
                 bgr_to_rgb: bool = False,
                 rgb_to_bgr: bool = False) -> None:
        super().__init__(mean=mean, std=std, pad_size_divisor=pad_size_divisor,
                         pad_value=pad_value, bgr_to_rgb=bgr_to_rgb,
                         rgb_to_bgr=rgb_to_bgr)
        self.seg_pad_value = seg_pad_value

    def forward(self, data: dict, training: bool = False) -> dict:
        """Normalise and stack the images, pad the maps to their size."""
        sizes = [tuple(img.shape[-2:]) for img in data['inputs']]
        data = super().forward(data, training)
        padded = tuple(data['inputs'].shape[-2:])
        for size, sample in zip(sizes, data.get('data_samples') or []):
            sample.set_metainfo(dict(img_shape=size, pad_shape=padded))
            for key in list(sample.keys()):
                field = sample.get(key)
                if key.startswith('gt_') and isinstance(field, PixelData):
                    value = self.seg_pad_value if key == 'gt_sem_seg' else 0
                    sample.set_data({key: pad_map(field, padded, value)})
        return data


def pad_map(field: PixelData, size: Sequence[int],
            value: Union[float, int]) -> PixelData:
    """``field`` padded at the bottom and right to ``size`` with ``value``."""
    height, width = field.shape
    if (height, width) == tuple(size):
        return field
    if height > size[0] or width > size[1]:
        raise ValueError(f'a ground-truth map of size {(height, width)} is '
                         f'larger than its padded image {tuple(size)}')
    data = F.pad(field.data, (0, size[1] - width, 0, size[0] - height),
                 value=value)
    return PixelData(data=data, metainfo=field.metainfo)


MultiTaskDataPreProcessor = register_former_name(
    MODELS, 'MultiTaskDataPreProcessor', MultiTaskDataPreprocessor)
