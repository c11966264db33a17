"""Depth targets normalised for training, predictions mapped back to metres."""
import math
from typing import Optional

import torch
from torch import Tensor, nn

from mtlw.registry import MODELS

METHODS = ('standard', 'minmax', 'log')


@MODELS.register_module()
class DepthNormalization(nn.Module):
    """A depth normalisation of Argenziano and Pagani and its inverse.

    From "Multi-Task Learning for Semantics and Depth" (course report,
    2022, section 4.2).

    With ``d`` in metres:

    - ``'standard'``: ``n = (d - mean) / std`` (the report's default);
    - ``'minmax'``: ``n = (d - d_min) / (d_max - d_min)``;
    - ``'log'``: ``n = log(d - d_min + 1) / log(d_max - d_min + 1)``
      (Liebel and Koerner, MultiDepth, ITSC 2019).

    :meth:`forward` normalises, :meth:`inverse` maps a (normalised)
    prediction back to metres.

    Args:
        method (str): One of :data:`METHODS`.
        mean (float, optional): Dataset mean depth (``'standard'``).
        std (float, optional): Dataset depth standard deviation
            (``'standard'``), > 0.
        min_depth (float, optional): ``d_min`` (``'minmax'``, ``'log'``).
        max_depth (float, optional): ``d_max`` > ``d_min``.
    """

    def __init__(self, method: str = 'standard',
                 mean: Optional[float] = None, std: Optional[float] = None,
                 min_depth: Optional[float] = None,
                 max_depth: Optional[float] = None) -> None:
        super().__init__()
        if method not in METHODS:
            raise ValueError(f'DepthNormalization method must be one of '
                             f'{METHODS}, got {method!r}')
        if method == 'standard':
            if mean is None or std is None or std <= 0:
                raise ValueError("method='standard' needs mean and std > 0, "
                                 f'got mean={mean}, std={std}')
            self.offset, self.scale = float(mean), float(std)
        else:
            if min_depth is None or max_depth is None \
                    or not max_depth > min_depth:
                raise ValueError(f'method={method!r} needs min_depth < '
                                 f'max_depth, got {min_depth}, {max_depth}')
            self.offset = float(min_depth)
            span = float(max_depth) - float(min_depth)
            self.scale = span if method == 'minmax' else math.log1p(span)
        self.method = method

    def forward(self, depth: Tensor) -> Tensor:
        """Metres -> normalised values."""
        shifted = depth - self.offset
        if self.method == 'log':
            return shifted.log1p() / self.scale
        return shifted / self.scale

    def inverse(self, normalized: Tensor) -> Tensor:
        """Normalised values -> metres."""
        if self.method == 'log':
            return torch.expm1(normalized * self.scale) + self.offset
        return normalized * self.scale + self.offset

    def extra_repr(self) -> str:
        return (f'method={self.method!r}, offset={self.offset}, '
                f'scale={self.scale}')
