"""Unsupervised stereo depth estimation (monodepth) with a loss weighter."""
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmengine.structures import PixelData
from torch import Tensor

from mtlw.registry import MODELS
from mtlw.weighting import WeightedLossMixin

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def edge_ramp_mask(width: int, device: Optional[torch.device] = None
                   ) -> Tensor:
    """Godard's ramp ``l = 1 - clip(20 (x - 0.05), 0, 1)``, ``x`` in [0, 1].

    It is 1 on the leftmost 5% of the columns and falls to 0 at 10%.
    """
    x = torch.linspace(0, 1, width, device=device)
    return 1 - (20 * (x - 0.05)).clamp(0, 1)


def flip_post_process(disp: Tensor, disp_flipped: Tensor) -> Tensor:
    """Combine the disparity of an image and that of its mirror image.

    Monodepth's post-processing: ``d'`` (the disparity predicted for the
    flipped image, flipped back) replaces ``d`` on the left border, where
    ``d`` has no matching pixels in the right view, ``d`` is kept on the
    right border and both are averaged elsewhere:
    ``r d + l d' + (1 - l - r) (d + d') / 2`` with ``l`` the
    :func:`edge_ramp_mask` and ``r`` its mirror.

    Args:
        disp (Tensor): (..., W) left disparity of the image.
        disp_flipped (Tensor): (..., W) left disparity of the flipped image,
            as predicted (not yet flipped back).

    Returns:
        Tensor: (..., W) post-processed disparity.
    """
    back = disp_flipped.flip(-1)
    left_ramp = edge_ramp_mask(disp.shape[-1], disp.device).to(disp.dtype)
    right_ramp = left_ramp.flip(0)
    return right_ramp * disp + left_ramp * back + \
        (1 - left_ramp - right_ramp) * (disp + back) / 2


def disparity_to_depth(disp: Tensor, focal: float, baseline: float,
                       width: int) -> Tensor:
    """``depth = baseline * focal / (disp * width)`` for ``disp`` in image
    widths; ``focal`` in pixels of an image ``width`` pixels wide.

    A zero disparity gives depth 0, not a far depth: the evaluation of
    monodepth and of the CoV-Weighting authors sets the infinite depth of a
    zero disparity to 0, which the 1e-3 .. 80 m clamp of the metric then
    raises to the minimum depth (1e-3 m), not the 80 m cap.
    """
    depth = baseline * focal / (disp * width)
    return torch.where(torch.isfinite(depth), depth, torch.zeros_like(depth))


class StereoDepthNet(BaseModel):
    """Encoder, disparity decoder and monodepth losses, without weighting.

    Use the registered :class:`StereoDepthEstimator`.
    """

    def __init__(self, backbone: dict, decode_head: dict,
                 loss: dict = dict(type='MonodepthLoss'),
                 post_process: bool = True,
                 image_mean: Sequence[float] = IMAGENET_MEAN,
                 image_std: Sequence[float] = IMAGENET_STD,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        # built from mmseg's registry, where mtlw registers (mmengine's
        # BaseModel would look in its own)
        super().__init__(
            data_preprocessor=MODELS.build(
                data_preprocessor or dict(type='StereoDataPreprocessor')),
            init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.decode_head = MODELS.build(decode_head)
        self.loss_module = MODELS.build(loss)
        if self.loss_module.num_scales != self.decode_head.num_scales:
            raise ValueError(
                f'loss num_scales={self.loss_module.num_scales} and '
                f'decode_head num_scales={self.decode_head.num_scales} differ')
        self.post_process = post_process
        self.register_buffer('image_mean',
                             torch.tensor(image_mean).view(1, 3, 1, 1), False)
        self.register_buffer('image_std',
                             torch.tensor(image_std).view(1, 3, 1, 1), False)

    def disparities(self, images: Tensor) -> List[Tensor]:
        """Disparities of (B, 3, H, W) images in [0, 1], finest first."""
        stride = 2 ** self.decode_head.num_levels
        if images.shape[-2] % stride or images.shape[-1] % stride:
            raise ValueError(f'input size {tuple(images.shape[-2:])} must be '
                             f'a multiple of {stride} (the encoder stride)')
        features = self.backbone((images - self.image_mean) / self.image_std)
        return self.decode_head(features)

    def forward(self, inputs: Tensor, data_samples: Optional[list] = None,
                mode: str = 'tensor') -> Union[Dict[str, Tensor], list]:
        """``mode``: ``'loss'``, ``'predict'`` or ``'tensor'`` (the
        disparities)."""
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.disparities(inputs)
        raise ValueError(f'invalid mode {mode!r}: loss, predict or tensor')

    def loss(self, inputs: Tensor, data_samples: list) -> Dict[str, Tensor]:
        """The unweighted monodepth losses, prefixed ``depth.``.

        Args:
            inputs (Tensor): (B, 3, H, W) left views in [0, 1].
            data_samples (list): Samples with ``img_right`` (3, H, W).
        """
        missing = [i for i, s in enumerate(data_samples)
                   if 'img_right' not in s]
        if missing:
            raise KeyError(f'data samples {missing} have no img_right: the '
                           'monodepth losses need the right view')
        right = torch.stack([s.img_right.data for s in data_samples])
        losses = self.loss_module(inputs, right, self.disparities(inputs))
        return {f'depth.{name}': value for name, value in losses.items()}

    def predict(self, inputs: Tensor, data_samples: list) -> list:
        """Left disparity and depth at each sample's original size.

        Fills ``pred_disp_map`` (disparity in pixels) and ``pred_depth_map``
        (metres, from the metainfo ``focal`` and ``baseline`` of the
        original image).
        """
        batch = inputs.shape[0]
        if self.post_process:
            disp = self.disparities(torch.cat([inputs, inputs.flip(-1)]))[0]
            disp = flip_post_process(disp[:batch, :1], disp[batch:, :1])
        else:
            disp = self.disparities(inputs)[0][:, :1]
        for sample, sample_disp in zip(data_samples, disp):
            height, width = sample.metainfo.get('ori_shape',
                                                inputs.shape[-2:])[:2]
            if (height, width) != tuple(sample_disp.shape[-2:]):
                sample_disp = F.interpolate(
                    sample_disp[None], size=(height, width), mode='bilinear',
                    align_corners=False)[0]
            missing = {'focal', 'baseline'} - set(sample.metainfo)
            if missing:
                raise KeyError(f'data sample metainfo lacks {sorted(missing)}'
                               ': the dataset must give the camera')
            sample.pred_disp_map = PixelData(data=sample_disp * width)
            sample.pred_depth_map = PixelData(data=disparity_to_depth(
                sample_disp, sample.focal, sample.baseline, width))
        return data_samples


@MODELS.register_module()
class StereoDepthEstimator(WeightedLossMixin, StereoDepthNet):
    """Monodepth (Godard et al., CVPR 2017) as in the CoV-Weighting paper.

    A timm encoder (ResNet50, :class:`~mtlw.models.backbones.TimmEncoder`), a
    :class:`~mtlw.models.decode_heads.DisparityDecoder` and the 32
    unweighted :class:`~mtlw.models.losses.MonodepthLoss` terms, returned as
    ``depth.loss_{l1,ssim,lr,smooth}_s{scale}_{l,r}`` for the weighter.

    Inputs: the left views (``inputs``) and the right views
    (``data_sample.img_right``), both in [0, 1] (the default
    :class:`StereoDataPreprocessor`); the encoder sees
    ``(x - image_mean) / image_std``.

    Inference: the left disparity at the finest scale, averaged with that of
    the mirrored image by :func:`flip_post_process` (``post_process=True``),
    resized to ``ori_shape`` and turned into depth with the camera in the
    metainfo (``focal`` in pixels at the original width, ``baseline`` in
    metres): ``pred_disp_map`` (pixels) and ``pred_depth_map`` (metres), the
    fields :class:`~mtlw.evaluation.PerImageDepthMetric` reads.

    Gradient-based weighters: the last layer shared by all 32 losses is the
    decoder's ``iconv4`` (stride 8, feeding the coarsest head and every finer
    level), the layer the CoV-Weighting authors give GradNorm:
    ``shared='decode_head.iconv4'``. With a single output scale it is the
    head itself (``shared='decode_head.disp1'``, GradNorm's "output layer").

    Args:
        backbone (dict): Encoder returning its feature maps, finest first
            (e.g. :class:`~mtlw.models.backbones.TimmEncoder`).
        decode_head (dict): A ``DisparityDecoder`` config.
        loss (dict): The loss config. Defaults to ``MonodepthLoss``.
        post_process (bool): Flip post-processing at inference.
        image_mean (Sequence[float]): Encoder input mean, [0, 1] units.
        image_std (Sequence[float]): Encoder input std, [0, 1] units.
        data_preprocessor (dict, optional): Defaults to
            ``StereoDataPreprocessor``.
        init_cfg (dict, optional): Initialisation config.
        weighter (dict, optional): A weighter config (the plain sum if
            omitted).
        shared (str, optional): Shared module for gradient-based weighters.
    """
