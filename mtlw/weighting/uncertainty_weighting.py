"""Uncertainty Weighting: learned homoscedastic task uncertainties."""
from typing import List, Optional, Tuple

import torch
from torch import Tensor, nn

from mtlw.registry import WEIGHTERS
from .base import BaseWeighter
from .utils.checks import check_number

#: variant -> (scale a, default initial s) of
#: ``total = a * sum_i (exp(-s_i) L_i + s_i)``.
VARIANTS = {'kendall': (0.5, -0.5), 'cov_code': (1.0, 0.0)}


def uncertainty_loss(losses: Tensor, log_vars: Tensor,
                     scale: float) -> Tuple[Tensor, Tensor]:
    """``total = scale * sum_i (exp(-s_i) L_i + s_i)``, ``s = log sigma^2``.

    Args:
        losses (Tensor): (K,) losses.
        log_vars (Tensor): (K,) learnable ``s_i``.
        scale (float): 0.5 for the Kendall form, 1 for the CoV-paper code.

    Returns:
        tuple[Tensor, Tensor]: The total (graph to losses and ``s``) and the
        (K,) detached factors ``scale * exp(-s_i)`` multiplying each loss.
    """
    factors = scale * torch.exp(-log_vars)
    total = (factors * losses).sum() + scale * log_vars.sum()
    return total, factors.detach()


@WEIGHTERS.register_module()
class UncertaintyWeighting(BaseWeighter):
    """Uncertainty Weighting (Kendall, Gal, Cipolla, "Multi-Task Learning
    Using Uncertainty to Weigh Losses for Scene Geometry and Semantics",
    CVPR 2018).

    Learns ``s_i = log sigma_i^2`` with the model's optimizer:

    - ``variant='kendall'`` (the MTAN / LibMTL form):
      ``total = sum_i L_i / (2 exp(s_i)) + s_i / 2``, ``s_i`` starting at -0.5;
    - ``variant='cov_code'`` (the CoV-Weighting authors' baseline):
      ``total = sum_i exp(-s_i) L_i + s_i``, ``s_i`` starting at 0.

    The reported weights are the factors multiplying each ``L_i``
    (``1 / (2 exp(s_i))`` or ``exp(-s_i)``). They are not normalised: their
    sum scales the gradient like a learning rate, and they grow as the losses
    fall, which the CoV-Weighting paper notes couples this rule to the global
    learning rate (Kendall et al. anneal it by a power law). Compare it with
    other rules only at a tuned learning rate.

    The optimizer is built before the first forward, so the number of losses
    is a constructor argument.

    Args:
        num_losses (int): K; the model must return exactly this many losses.
        variant (str): ``'kendall'`` (default) or ``'cov_code'``.
        init (float, optional): Initial ``s_i``; defaults to the variant's.
        nonfinite (str): See :class:`BaseWeighter`.
    """

    def __init__(self, num_losses: int, variant: str = 'kendall',
                 init: Optional[float] = None,
                 nonfinite: str = 'raise') -> None:
        super().__init__(nonfinite=nonfinite)
        if variant not in VARIANTS:
            raise ValueError(f'variant must be one of {sorted(VARIANTS)}, '
                             f'got {variant!r}')
        if not isinstance(num_losses, int) or num_losses < 1:
            raise ValueError(
                f'num_losses must be a positive int, got {num_losses!r}')
        self.num_losses = num_losses
        self.variant = variant
        self.scale, default_init = VARIANTS[variant]
        self.init = default_init if init is None else check_number(
            'UncertaintyWeighting', 'init', init)
        self.log_vars = nn.Parameter(torch.full((num_losses,), self.init))

    def validate_names(self, names: List[str]) -> None:
        if len(names) != self.num_losses:
            raise ValueError(
                f'UncertaintyWeighting was built with num_losses='
                f'{self.num_losses} but the model returns {len(names)} '
                f'losses: {names}; set num_losses={len(names)}')

    def weigh(self, losses: Tensor, observed: Tensor) -> Tuple[Tensor, Tensor]:
        return uncertainty_loss(losses, self.log_vars, self.scale)

    def extra_repr(self) -> str:
        return (f'num_losses={self.num_losses}, variant={self.variant!r}, '
                f'init={self.init}, ' + super().extra_repr())
