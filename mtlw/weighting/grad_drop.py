"""GradDrop: keep, per value, the gradients of one sign at random."""
from typing import List, Tuple

import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .base import all_reduce_mean
from .gradient_weighter import GradientStep, GradientWeighter, effective_scales
from .utils.checks import check_number
from .utils.seeded_generator import SeededGeneratorMixin

#: The small constant of the sign purity's denominator (as LibMTL).
EPS = 1e-7


def sign_purity(statistic: Tensor) -> Tensor:
    """GradDrop's positive sign purity ``P = (1 + sum_i s_i / sum_i |s_i|)
    / 2`` per value (``eps = 1e-7`` in the denominator).

    Args:
        statistic (Tensor): (K, F) per-loss gradient statistic ``s_i``.

    Returns:
        Tensor: (F,) ``P`` in [0, 1].
    """
    return 0.5 * (1 + statistic.sum(0) / (statistic.abs().sum(0) + EPS))


def sign_masks(statistic: Tensor, uniform: Tensor, leak: float) -> Tensor:
    """GradDrop's masks: loss ``i`` keeps a value where ``P > U`` and
    ``s_i > 0`` or ``P < U`` and ``s_i < 0``; the kept fraction is
    ``leak + (1 - leak) * kept``.

    Args:
        statistic (Tensor): (K, F) per-loss gradient statistic ``s_i``.
        uniform (Tensor): (F,) draws ``U`` from U(0, 1).
        leak (float): The leak in [0, 1].

    Returns:
        Tensor: (K, F) the mask of each loss.
    """
    purity = sign_purity(statistic)
    kept = (((purity > uniform) & (statistic > 0))
            | ((purity < uniform) & (statistic < 0)))
    return leak + (1 - leak) * kept.to(statistic.dtype)


@WEIGHTERS.register_module()
class GradDrop(SeededGeneratorMixin, GradientWeighter):
    """Gradient Sign Dropout (Chen, Ngiam, Huang, Luong, Kretzschmar, Chai &
    Anguelov, "Just Pick a Sign: Optimizing Deep Multitask Models with
    Gradient Sign Dropout", NeurIPS 2020).

    Rule, with ``g_i`` the gradient of loss ``i`` at the shared module's
    output ``Z`` (``mode='representation'``, the paper's and LibMTL's
    setting): per value of a sample's output,

        ``s_i = sum_b g_i[b] * sign(Z[b])``  (summed over the batch)
        ``P = (1 + sum_i s_i / (sum_i |s_i| + eps)) / 2``
        ``M_i = [P > U and s_i > 0] or [P < U and s_i < 0]``, ``U ~ U(0, 1)``
        ``d = sum_i (leak + (1 - leak) M_i) * g_i``

    with ``eps = 1e-7`` and the masks shared by all samples. The first
    dimension of every output tensor of the shared module is its batch.
    Under DDP, ``s_i`` is averaged over ranks before ``P`` is formed (one
    all-reduce of a (K, F) tensor), which is exactly the statistic of the
    global batch's gradients, so every rank draws the same masks.

    ``mode='params'``: the rule applied elementwise to the parameter
    gradients, ``s_i = g_i`` (no batch, no input sign: a parameter has no
    input), an extension of the paper (LibMTL refuses it).

    ``U`` is drawn from the weighter's own CPU generator seeded with
    ``seed`` (F draws per step, F the values of one sample's output or the
    number of shared parameters, then copied to the device), the same on
    every rank; its state is the buffer ``generator_state``.

    Heads (the parameters outside the shared module) get the gradient of
    their own loss (weight 1). The reported weights are the effective
    scales ``<g_i, d> / ||g_i||^2`` (:func:`effective_scales`, over the
    global batch: one more all-reduce of 2K values in representation mode);
    1 before the first step and in eval mode.

    State: the generator. Cost per training step: one ``autograd.grad``
    per loss, the (K, P) gradient matrix, F uniform draws on the CPU and
    their copy to the device, no device read.

    Args:
        leak (float): Fraction of every gradient always kept, in [0, 1].
            Defaults to 0.0 (1.0 keeps everything: the plain sum).
        seed (int): Seed of the draws. Defaults to 0.
        mode (str): ``'params'`` or ``'representation'``. Defaults to
            ``'representation'``.
        nonfinite (str): See :class:`BaseWeighter`.
        single_backward (bool): See :class:`GradientWeighter`. Defaults to
            True.
    """

    gradient_input = 'vectors'

    def __init__(self, leak: float = 0.0, seed: int = 0,
                 mode: str = 'representation', nonfinite: str = 'raise',
                 single_backward: bool = True) -> None:
        super().__init__(mode=mode, nonfinite=nonfinite,
                         single_backward=single_backward)
        self.leak = check_number('GradDrop', 'leak', leak, low=0.0, high=1.0)
        self.init_generator(seed)

    def current_weights(self) -> Tensor:
        return torch.ones(len(self.loss_names), device=self.step.device)

    def update(self, gram: Tensor, observed: Tensor) -> GradientStep:
        matrix = gram
        if self.mode == 'representation':
            shapes, statistic = self._batch_statistic(matrix)
            statistic = all_reduce_mean(statistic)
        else:
            shapes, statistic = [(1, matrix.shape[1])], matrix
        uniform = torch.rand(statistic.shape[1], generator=self.generator)
        masks = sign_masks(statistic, uniform.to(
            matrix.device, non_blocking=True), self.leak)
        direction = (self._per_sample(masks, shapes) * matrix).sum(0)
        products = torch.stack([matrix @ direction, matrix.square().sum(1)])
        if self.mode == 'representation':
            products = all_reduce_mean(products)
        return GradientStep(torch.ones_like(observed), direction=direction,
                            reported=effective_scales(*products).to(
                                observed.dtype))

    def _batch_statistic(self, matrix: Tensor
                         ) -> Tuple[List[Tuple[int, int]], Tensor]:
        """The (batch, values) shape of each output and the (K, F)
        statistic ``sum_b g_i[b] sign(Z[b])`` of all outputs."""
        shapes, parts = [], []
        columns = matrix.split([z.numel() for z in self._captured], dim=1)
        for output, part in zip(self._captured, columns):
            if output.dim() == 0:
                raise ValueError(
                    'GradDrop (mode=representation) needs outputs of the '
                    'shared module with a batch dimension, got a scalar')
            batch = output.shape[0]
            shape = (batch, output.numel() // max(batch, 1))
            sign = output.detach().reshape(shape).sign().to(part.dtype)
            parts.append((part.reshape(-1, *shape) * sign).sum(1))
            shapes.append(shape)
        return shapes, torch.cat(parts, dim=1)

    @staticmethod
    def _per_sample(masks: Tensor, shapes: List[Tuple[int, int]]
                    ) -> Tensor:
        """(K, F) masks repeated over the samples of each output: (K, P)."""
        pieces = masks.split([values for _, values in shapes], dim=1)
        return torch.cat([piece.repeat(1, batch) for piece, (batch, _)
                          in zip(pieces, shapes)], dim=1)

    def extra_repr(self) -> str:
        return (f'leak={self.leak}, seed={self.seed}, '
                + super().extra_repr())
