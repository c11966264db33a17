"""L1, L2 and berHu regression of dense depth maps over the valid pixels."""
from typing import Dict, Optional, Tuple

import torch
from torch import Tensor, nn

from mtlw.registry import MODELS
from ..utils.masked_mean import masked_mean

PENALTIES = ('l1', 'l2', 'berhu')


def berhu(residual: Tensor, c: Tensor) -> Tensor:
    """The reverse Huber penalty of ``residual`` with threshold ``c``.

    ``B(x) = |x|`` for ``|x| <= c`` and ``(x^2 + c^2) / (2c)`` above, so the
    two pieces meet with the same value and slope at ``|x| = c``. ``c = 0``
    (all residuals zero, or no valid pixel) gives ``|x|`` everywhere.

    Args:
        residual (Tensor): Any shape.
        c (Tensor | float): Threshold, >= 0, broadcastable to ``residual``.

    Returns:
        Tensor: The penalty of every entry.
    """
    c = torch.as_tensor(c, dtype=residual.dtype, device=residual.device)
    absolute = residual.abs()
    quadratic = (residual ** 2 + c ** 2) / (2 * c.clamp(min=1e-12))
    return torch.where((absolute <= c) | (c <= 0), absolute, quadratic)


def berhu_threshold(residual: Tensor, valid: Tensor,
                    ratio: float = 0.2) -> Tensor:
    """``c = ratio * max |residual|`` over the valid entries (detached).

    Laina et al. (3DV 2016) and Argenziano and Pagani ("Multi-Task Learning for
    Semantics and Depth", course report, 2022) take 20 % of the largest
    absolute residual of the batch. A batch without a valid entry gives
    ``c = 0``.
    """
    absolute = residual.detach().abs()
    return ratio * torch.where(valid, absolute,
                               torch.zeros_like(absolute)).amax()


def depth_regression_error(pred: Tensor, target: Tensor,
                           penalty: str = 'berhu',
                           valid: Optional[Tensor] = None,
                           berhu_ratio: float = 0.2) -> Tensor:
    """Mean pixelwise penalty of ``pred - target`` over the valid pixels.

    Args:
        pred (Tensor): (B, 1, H, W) prediction.
        target (Tensor): Ground truth, same shape.
        penalty (str): ``'l1'`` (``|x|``), ``'l2'`` (``x^2``) or ``'berhu'``
            (:func:`berhu` with :func:`berhu_threshold`).
        valid (Tensor, optional): Bool mask; defaults to ``target > 0``.
        berhu_ratio (float): berHu's ``c`` as a fraction of the batch's
            largest valid residual.

    Returns:
        Tensor: A scalar; 0 (with the graph of ``pred``) without a valid
        pixel, so a batch without depth labels gives no gradient.
    """
    if pred.shape != target.shape:
        raise ValueError(f'depth prediction {tuple(pred.shape)} and target '
                         f'{tuple(target.shape)} differ in shape')
    if valid is None:
        valid = target > 0
    residual = pred - target
    if penalty == 'l1':
        values = residual.abs()
    elif penalty == 'l2':
        values = residual ** 2
    elif penalty == 'berhu':
        values = berhu(residual,
                       berhu_threshold(residual, valid, berhu_ratio))
    else:
        raise ValueError(f'penalty must be one of {PENALTIES}, got '
                         f'{penalty!r}')
    return masked_mean(values, valid)


@MODELS.register_module()
class DepthRegressionLoss(nn.Module):
    """L1, L2 or berHu depth regression (Argenziano and Pagani, section
    4.3).

    ``loss = mean_{valid} P(d^ - d)`` with ``P`` one of ``|x|``, ``x^2`` and
    the reverse Huber ``B(x)`` (Laina et al., 3DV 2016) whose threshold is
    ``c = 0.2 max_i |d^_i - d_i|`` over all valid pixels of the batch
    (detached). The report found berHu and L1 better than L2 on Miniscapes.
    Works on metres or on normalised depth
    (:mod:`mtlw.models.utils.depth_normalization`); an explicit
    ``valid`` mask is then given by the model.

    Args:
        penalty (str): ``'l1'``, ``'l2'`` or ``'berhu'``. Defaults to
            ``'berhu'``.
        berhu_ratio (float): berHu's ``c`` as a fraction of the largest
            residual. Defaults to 0.2.

    Returns (forward):
        dict: ``{'loss_<penalty>': scalar}``.
    """

    def __init__(self, penalty: str = 'berhu',
                 berhu_ratio: float = 0.2) -> None:
        super().__init__()
        if penalty not in PENALTIES:
            raise ValueError(f'DepthRegressionLoss penalty must be one of '
                             f'{PENALTIES}, got {penalty!r}')
        if not 0 < berhu_ratio <= 1:
            raise ValueError(f'berhu_ratio must be in (0, 1], got '
                             f'{berhu_ratio}')
        self.penalty = penalty
        self.berhu_ratio = berhu_ratio

    @property
    def loss_names(self) -> Tuple[str, ...]:
        """The key of the term: ``loss_l1``, ``loss_l2`` or ``loss_berhu``."""
        return (f'loss_{self.penalty}', )

    def forward(self, pred: Tensor, target: Tensor,
                valid: Optional[Tensor] = None) -> Dict[str, Tensor]:
        """The term for (B, 1, H, W) depths; ``target`` 0 where invalid
        unless ``valid`` is given."""
        return {self.loss_names[0]: depth_regression_error(
            pred, target, self.penalty, valid, self.berhu_ratio)}

    def extra_repr(self) -> str:
        return f'penalty={self.penalty!r}, berhu_ratio={self.berhu_ratio}'
