"""Per-image depth errors (Eigen et al. 2014; KITTI benchmark) and crops.

With ``p`` the predicted and ``g`` the ground-truth depth over the valid
pixels of ONE image (``n`` of them) and ``d = log p - log g``:

- ``abs_rel  = mean(|p - g| / g)``
- ``sq_rel   = mean((p - g)^2 / g)``
- ``rmse     = sqrt(mean((p - g)^2))``
- ``rmse_log = sqrt(mean(d^2))``
- ``log10    = mean(|log10 p - log10 g|)``
- ``delta_k  = mean(max(p / g, g / p) < 1.25^k)`` for k = 1, 2, 3
- ``silog    = 100 sqrt(mean(d^2) - mean(d)^2)``, the KITTI depth benchmark's
  scale-invariant log error (mmseg's ``PerImageDepthMetric`` uses
  ``sqrt(mean(d^2) - 0.5 mean(d)^2)`` instead).

Datasets are scored by averaging these per-image values over the images, as
monodepth and the CoV-Weighting paper do.
"""
from typing import Dict, Optional

import torch
from torch import Tensor

DEPTH_METRICS = ('abs_rel', 'sq_rel', 'rmse', 'rmse_log', 'log10', 'delta1',
                 'delta2', 'delta3', 'silog')
HIGHER_IS_BETTER = frozenset({'delta1', 'delta2', 'delta3'})

# Crops as fractions of the image: (top, bottom, left, right), rows and
# columns in [start, stop). Garg et al. 2016 and Eigen et al. 2014 on KITTI.
CROPS = {
    'garg': (0.40810811, 0.99189189, 0.03594771, 0.96405229),
    'eigen': (0.3324324, 0.91351351, 0.0359477, 0.96405229),
}


def crop_mask(height: int, width: int, crop: str,
              device: Optional[torch.device] = None) -> Tensor:
    """Boolean mask of the evaluation crop ``crop`` for an image size.

    Args:
        height (int): Image height in pixels.
        width (int): Image width in pixels.
        crop (str): ``'garg'`` or ``'eigen'`` (see :data:`CROPS`).
        device (torch.device, optional): Device of the mask.

    Returns:
        Tensor: (height, width) bool, True inside the crop.
    """
    if crop not in CROPS:
        raise ValueError(f'unknown depth evaluation crop {crop!r}; choose one '
                         f'of {sorted(CROPS)}')
    top, bottom, left, right = CROPS[crop]
    mask = torch.zeros(height, width, dtype=torch.bool, device=device)
    mask[int(top * height):int(bottom * height),
         int(left * width):int(right * width)] = True
    return mask


def depth_errors(pred: Tensor, gt: Tensor,
                 mask: Optional[Tensor] = None) -> Dict[str, Tensor]:
    """All depth errors of one image, over its valid pixels.

    Args:
        pred (Tensor): Predicted depth, positive, any shape.
        gt (Tensor): Ground-truth depth, same shape as ``pred``.
        mask (Tensor, optional): Bool, same shape: the pixels to score.
            Defaults to every pixel.

    Returns:
        dict[str, Tensor]: 0-dim float64 tensors keyed by
        :data:`DEPTH_METRICS`.
    """
    if pred.shape != gt.shape:
        raise ValueError(f'depth_errors: pred shape {tuple(pred.shape)} != '
                         f'gt shape {tuple(gt.shape)}')
    if mask is not None:
        if mask.shape != gt.shape:
            raise ValueError(f'depth_errors: mask shape {tuple(mask.shape)} '
                             f'!= gt shape {tuple(gt.shape)}')
        pred, gt = pred[mask.bool()], gt[mask.bool()]
    pred, gt = pred.double().flatten(), gt.double().flatten()
    if gt.numel() == 0:
        raise ValueError('depth_errors: no valid pixel to evaluate')
    if (pred <= 0).any() or (gt <= 0).any():
        raise ValueError('depth_errors: depths must be positive on the '
                         'valid pixels (clamp the prediction, mask the gt)')
    diff = pred - gt
    log_diff = pred.log() - gt.log()
    ratio = torch.maximum(pred / gt, gt / pred)
    errors = dict(
        abs_rel=(diff.abs() / gt).mean(),
        sq_rel=(diff ** 2 / gt).mean(),
        rmse=(diff ** 2).mean().sqrt(),
        rmse_log=(log_diff ** 2).mean().sqrt(),
        log10=(pred.log10() - gt.log10()).abs().mean(),
        silog=100 * ((log_diff ** 2).mean() - log_diff.mean() ** 2)
        .clamp(min=0).sqrt())
    for k in (1, 2, 3):
        errors[f'delta{k}'] = (ratio < 1.25 ** k).double().mean()
    return {name: errors[name] for name in DEPTH_METRICS}
