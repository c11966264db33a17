"""Batching and normalisation of stereo pairs (left in inputs, right in
the data samples)."""
from typing import Optional, Sequence

from mmengine.model import ImgDataPreprocessor
from mmengine.structures import PixelData
from torch import Tensor

from mtlw.registry import MODELS


@MODELS.register_module()
class StereoDataPreprocessor(ImgDataPreprocessor):
    """mmengine's ``ImgDataPreprocessor`` for the left view, the same for the
    right view of every data sample (``data_sample.img_right.data``).

    Both views go through the same channel conversion and ``(x - mean) /
    std``, so photometric losses compare like with like. The defaults
    (``mean=0, std=255``) map 8-bit pixels to [0, 1], the range the SSIM
    constants of :class:`~mtlw.models.losses.MonodepthLoss` assume. No
    padding: stereo inputs keep their size.

    Args:
        mean (Sequence[float]): Per-channel mean. Defaults to (0, 0, 0).
        std (Sequence[float]): Per-channel std. Defaults to (255, 255, 255).
        bgr_to_rgb (bool): Convert BGR inputs to RGB. Defaults to False.
        rgb_to_bgr (bool): Convert RGB inputs to BGR. Defaults to False.
    """

    def __init__(self, mean: Optional[Sequence[float]] = (0., 0., 0.),
                 std: Optional[Sequence[float]] = (255., 255., 255.),
                 bgr_to_rgb: bool = False, rgb_to_bgr: bool = False) -> None:
        super().__init__(mean=mean, std=std, bgr_to_rgb=bgr_to_rgb,
                         rgb_to_bgr=rgb_to_bgr)

    def normalize(self, image: Tensor) -> Tensor:
        """One (3, H, W) view: channel conversion, float, normalisation."""
        if self._channel_conversion:
            image = image[[2, 1, 0], ...]
        image = image.float()
        if self._enable_normalize:
            image = (image - self.mean) / self.std
        return image

    def forward(self, data: dict, training: bool = False) -> dict:
        """Stack and normalise the left views, normalise the right ones."""
        data = super().forward(data, training)
        for sample in data.get('data_samples') or []:
            if 'img_right' in sample:
                sample.img_right = PixelData(
                    data=self.normalize(sample.img_right.data))
        return data
