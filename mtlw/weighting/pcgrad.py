"""PCGrad: project each loss gradient off the gradients it conflicts with."""
import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .gradient_weighter import GradientStep, GradientWeighter, effective_scales
from .utils.gradient_surgery import (projection_adjustment, random_orders,
                                     surgery_coefficients)
from .utils.seeded_generator import SeededGeneratorMixin


@WEIGHTERS.register_module()
class PCGrad(SeededGeneratorMixin, GradientWeighter):
    """PCGrad (Yu, Kumar, Gupta, Levine, Hausman & Finn, "Gradient Surgery
    for Multi-Task Learning", NeurIPS 2020).

    Rule, with ``g_i`` the gradient of loss ``i`` (see
    :class:`GradientWeighter`): for every loss ``i``, ``g_i' = g_i``; then,
    for every loss ``j`` in a random order,

        ``g_i' <- g_i' - <g_i', g_j> / ||g_j||^2 g_j``  if ``<g_i', g_j> < 0``

    and the shared gradient is ``d = sum_i g_i'``. As in the authors' code
    and LibMTL, the order of each ``i`` is a fresh random permutation of all
    K losses, ``i`` itself included (a no-op unless earlier projections
    turned ``g_i'`` against ``g_i``); a zero ``g_j`` projects nothing.

    Every ``g_i'`` is kept as coefficients over the ``g_j``
    (:func:`surgery_coefficients`), so the rule needs only the Gram matrix
    and ``d = sum_j c_j g_j`` exactly. The orders are drawn from the
    weighter's own CPU generator seeded with ``seed`` (K ``randperm`` per
    step, the same on every rank; its state is the buffer
    ``generator_state``, so a resumed run continues the sequence).

    Heads (the parameters outside the shared module) get the gradient of
    their own loss (weight 1). The reported weights are the effective
    scales ``<g_i, d> / ||g_i||^2`` (:func:`effective_scales`; 0 for a zero
    gradient); before the first step and in eval mode they are 1.

    ``mode='representation'`` applies the rule to the per-sample flattened
    gradients at the shared module's output (one backward to the output
    per loss), which LibMTL refuses.

    State: the generator. Cost per training step: one ``autograd.grad`` per
    loss, the (K, K) Gram matrix, K^2 small device operations in float64
    and no device read.

    Args:
        seed (int): Seed of the random orders. Defaults to 0.
        mode (str): ``'params'`` or ``'representation'``. Defaults to
            ``'params'``.
        nonfinite (str): See :class:`BaseWeighter`.
        single_backward (bool): See :class:`GradientWeighter`. Defaults to
            True.
    """

    gradient_input = 'gram'

    def __init__(self, seed: int = 0, mode: str = 'params',
                 nonfinite: str = 'raise', single_backward: bool = True
                 ) -> None:
        super().__init__(mode=mode, nonfinite=nonfinite,
                         single_backward=single_backward)
        self.init_generator(seed)

    def current_weights(self) -> Tensor:
        return torch.ones(len(self.loss_names), device=self.step.device)

    def update(self, gram: Tensor, observed: Tensor) -> GradientStep:
        gram = gram.double()
        orders = random_orders(self.generator, gram.shape[0],
                               skip_self=False)
        coefficients = surgery_coefficients(
            gram[None], orders, projection_adjustment(gram[None]))[0].sum(0)
        return GradientStep(
            torch.ones_like(observed), coefficients=coefficients,
            reported=effective_scales(gram @ coefficients, gram.diagonal()
                                      ).to(observed.dtype))

    def extra_repr(self) -> str:
        return f'seed={self.seed}, ' + super().extra_repr()
