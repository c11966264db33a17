"""Fixed, hand-tuned or equal loss weights."""
from typing import Dict, List, Optional, Tuple

import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .base import BaseWeighter
from .utils.checks import check_number_dict


@WEIGHTERS.register_module()
class StaticWeighting(BaseWeighter):
    """Static weighting: ``total = sum_i w_i L_i`` with fixed ``w_i``.

    The baseline of every weighting study. Without ``weights`` all losses get
    weight 1 (the plain sum, as mmseg does). The CoV-Weighting paper
    (Groenendijk et al., WACV 2021) normalises its static weights to sum 1
    (``normalize=True``), so "equal" there means ``1/K``.

    Args:
        weights (dict[str, float], optional): Weight of every loss by name,
            finite and >= 0. Every loss the model returns must be named; a
            name that no loss carries is an error too. Defaults to 1 for
            every loss.
        normalize (bool): Divide the weights by their sum, which must then
            be positive. Defaults to False.
        nonfinite (str): See :class:`BaseWeighter`.
    """

    def __init__(self, weights: Optional[Dict[str, float]] = None,
                 normalize: bool = False, nonfinite: str = 'raise') -> None:
        super().__init__(nonfinite=nonfinite)
        self.weights = None if weights is None else check_number_dict(
            'StaticWeighting', 'weights', weights, low=0.0,
            positive_sum=normalize)
        self.normalize = normalize

    def validate_names(self, names: List[str]) -> None:
        if self.weights is None:
            return
        unknown = sorted(set(names) - set(self.weights))
        unused = sorted(set(self.weights) - set(names))
        if unknown or unused:
            raise KeyError(
                f'StaticWeighting weights do not match the model losses: '
                f'losses without a weight {unknown}, weights without a loss '
                f'{unused}; the model returns {names}')

    def init_state(self, num_losses: int) -> None:
        if self.weights is None:
            values = torch.ones(num_losses)
        else:
            values = torch.tensor([float(self.weights[n])
                                   for n in self.loss_names])
        if self.normalize:
            values = values / values.sum()
        self.register_buffer(
            'static_weights', values.to(self.step.device), persistent=False)

    def weigh(self, losses: Tensor, observed: Tensor) -> Tuple[Tensor, Tensor]:
        return (self.static_weights * losses).sum(), self.static_weights

    def extra_repr(self) -> str:
        return (f'weights={self.weights}, normalize={self.normalize}, '
                + super().extra_repr())
