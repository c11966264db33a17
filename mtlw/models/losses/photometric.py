"""Stereo warping, SSIM and edge-aware smoothness (Godard et al., CVPR 2017).

Pure functions on (B, C, H, W) tensors, used by :class:`MonodepthLoss`.
Disparities are fractions of the image width (a disparity of 1 is the whole
width), so they stay valid at every scale of an image pyramid.
"""
import torch
import torch.nn.functional as F
from torch import Tensor

SSIM_C1 = 0.01 ** 2
SSIM_C2 = 0.03 ** 2
#: ``padding_mode`` values of the warps: what a sample outside the image reads
PADDING_MODES = ('zeros', 'border')


def check_padding_mode(padding_mode: str) -> str:
    """``padding_mode`` if it is one of :data:`PADDING_MODES`."""
    if padding_mode not in PADDING_MODES:
        raise ValueError(f'padding_mode must be one of {PADDING_MODES}, got '
                         f'{padding_mode!r}')
    return padding_mode


def shift_horizontally(image: Tensor, disp: Tensor,
                       padding_mode: str = 'zeros') -> Tensor:
    """Sample ``image`` at ``x + disp * W`` on every row (bilinear).

    Coordinates are pixel centres (``align_corners=True``). A sample outside
    the image reads, by ``padding_mode``:

    - ``'zeros'``: 0 (bilinear between the last pixel and 0 within one
      pixel of the edge). Godard's TensorFlow sampler does this: its
      ``wrap_mode='border'`` pads the image with one pixel of zeros and clamps
      the coordinates into the padded image, so far samples read 0; the
      CoV-Weighting authors' PyTorch code calls ``grid_sample`` with zero
      padding. The paper configurations use it.
    - ``'border'``: the nearest edge pixel. Pixels that see past the image
      edge then compare against a smeared copy of the edge column instead
      of black, so the appearance losses near the left (right) border of
      the left (right) view stay small where no match exists; choose it to
      keep those occluded borders from pulling disparities toward values
      that sample black, at the price of no longer matching the papers.

    Args:
        image (Tensor): (B, C, H, W) image to sample from.
        disp (Tensor): (B, 1, H, W) horizontal offset as a fraction of W.
        padding_mode (str): ``'zeros'`` or ``'border'``. Defaults to
            ``'zeros'``.

    Returns:
        Tensor: (B, C, H, W) warped image.
    """
    check_padding_mode(padding_mode)
    if disp.dim() != 4 or disp.shape[1] != 1 or \
            disp.shape[-2:] != image.shape[-2:] or \
            disp.shape[0] != image.shape[0]:
        raise ValueError(f'shift_horizontally: disp must be (B, 1, H, W) '
                         f'matching image {tuple(image.shape)}, got '
                         f'{tuple(disp.shape)}')
    batch, _, height, width = image.shape
    xs = torch.linspace(-1, 1, width, dtype=image.dtype, device=image.device)
    ys = torch.linspace(-1, 1, height, dtype=image.dtype, device=image.device)
    # a shift of disp * W pixels is 2 * disp * W / (W - 1) in [-1, 1] units
    x = xs.view(1, 1, width) + disp[:, 0] * (2 * width / max(width - 1, 1))
    y = ys.view(1, height, 1).expand(batch, height, width)
    grid = torch.stack((x, y), dim=-1)
    return F.grid_sample(image, grid, mode='bilinear',
                         padding_mode=padding_mode, align_corners=True)


def warp_right_to_left(right: Tensor, disp_left: Tensor,
                       padding_mode: str = 'zeros') -> Tensor:
    """Left view estimate: the right view sampled at ``x - d_left``
    (``padding_mode`` as in :func:`shift_horizontally`)."""
    return shift_horizontally(right, -disp_left, padding_mode)


def warp_left_to_right(left: Tensor, disp_right: Tensor,
                       padding_mode: str = 'zeros') -> Tensor:
    """Right view estimate: the left view sampled at ``x + d_right``
    (``padding_mode`` as in :func:`shift_horizontally`)."""
    return shift_horizontally(left, disp_right, padding_mode)


def ssim_dissimilarity(x: Tensor, y: Tensor) -> Tensor:
    """``clip((1 - SSIM(x, y)) / 2, 0, 1)`` with 3x3 windows.

    Means, variances and the covariance come from 3x3 average pooling without
    padding; ``C1 = 0.01^2``, ``C2 = 0.03^2`` (images in [0, 1]).

    Args:
        x (Tensor): (B, C, H, W) image.
        y (Tensor): (B, C, H, W) image.

    Returns:
        Tensor: (B, C, H - 2, W - 2) per-pixel dissimilarity in [0, 1].
    """
    mu_x = F.avg_pool2d(x, 3, 1)
    mu_y = F.avg_pool2d(y, 3, 1)
    sigma_x = F.avg_pool2d(x * x, 3, 1) - mu_x ** 2
    sigma_y = F.avg_pool2d(y * y, 3, 1) - mu_y ** 2
    sigma_xy = F.avg_pool2d(x * y, 3, 1) - mu_x * mu_y
    ssim = ((2 * mu_x * mu_y + SSIM_C1) * (2 * sigma_xy + SSIM_C2)) / (
        (mu_x ** 2 + mu_y ** 2 + SSIM_C1) * (sigma_x + sigma_y + SSIM_C2))
    return ((1 - ssim) / 2).clamp(0, 1)


def edge_aware_smoothness(disp: Tensor, image: Tensor) -> Tensor:
    """``mean|dx d| exp(-mean_c|dx I|) + mean|dy d| exp(-mean_c|dy I|)``.

    Forward differences between neighbouring pixels (``W - 1`` columns for
    ``dx``, ``H - 1`` rows for ``dy``), each term averaged over its pixels.
    Godard's TensorFlow code only kept the x term by accident; the CoV
    authors' code and this function use both.

    Args:
        disp (Tensor): (B, 1, H, W) disparity.
        image (Tensor): (B, C, H, W) image of the same view.

    Returns:
        Tensor: Scalar smoothness loss.
    """
    dx_disp = disp[..., :, :-1] - disp[..., :, 1:]
    dy_disp = disp[..., :-1, :] - disp[..., 1:, :]
    weight_x = torch.exp(-(image[..., :, :-1] - image[..., :, 1:]).abs()
                         .mean(1, keepdim=True))
    weight_y = torch.exp(-(image[..., :-1, :] - image[..., 1:, :]).abs()
                         .mean(1, keepdim=True))
    return (dx_disp.abs() * weight_x).mean() + \
        (dy_disp.abs() * weight_y).mean()
