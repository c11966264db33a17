"""IMTL: impartial gradient (IMTL-G) and loss (IMTL-L) balance."""
from typing import List, Optional, Tuple

import torch
from torch import Tensor, nn

from mtlw.registry import WEIGHTERS
from .gradient_weighter import GradientStep, GradientWeighter
from .utils.safe_math import safe_div

IMTL_VARIANTS = ('hybrid', 'gradient', 'loss')
#: Ridge added to a singular cosine matrix (see :func:`imtl_g_weights`).
SINGULAR_RIDGE = 1e-10


def imtl_g_weights(gram: Tensor) -> Tensor:
    """IMTL-G's scaling factors ``alpha``, from the Gram matrix.

    ``d = sum_i alpha_i g_i`` with ``sum_i alpha_i = 1`` has equal
    projections ``<d, u_i>`` on every unit gradient ``u_i = g_i / ||g_i||``.
    The paper (and LibMTL) solve the K - 1 conditions
    ``<d, u_1 - u_j> = 0``: ``alpha_{2:K} = g_1 U^T (D U^T)^-1`` with the rows
    ``D_j = g_1 - g_j`` and ``U_j = u_1 - u_j``. The same (unique) solution,
    with no loss singled out: ``d = sum_i beta_i u_i`` with ``C beta = t 1``
    where ``C_ij = <u_i, u_j>``, so ``alpha_i ∝ (C^-1 1)_i / ||g_i||``,
    normalised to sum 1; this takes the (K, K) Gram matrix only.

    Conventions where the paper's system has no unique solution: a zero
    gradient has no direction to be impartial to, so its condition is
    dropped and its ``alpha`` is 0 (``d`` balances the others); all zero
    gives ``1/K``. When the unit gradients are linearly dependent
    (``C`` singular, e.g. two parallel gradients), ``C + 1e-10 I`` is solved
    instead: the least-norm ``beta`` where the conditions can be met (for
    parallel gradients, ``d`` along them), and the limit of its direction
    where they cannot (for opposite gradients, ``d = 0``). Solved on the
    device in float64 (``torch.linalg.solve_ex``, no host read).

    Args:
        gram (Tensor): (K, K) ``<g_i, g_j>``.

    Returns:
        Tensor: (K,) float64 ``alpha``, summing to 1.
    """
    gram = gram.double()
    num = gram.shape[0]
    norms = gram.diagonal().clamp_min(0).sqrt()
    inverse = safe_div(torch.ones_like(norms), norms)
    live = norms > 0
    eye = torch.eye(num, dtype=gram.dtype, device=gram.device)
    cosines = torch.where(live[:, None] & live[None, :],
                          gram * inverse[:, None] * inverse[None, :], eye)
    ones = live.to(gram.dtype)
    beta, info = torch.linalg.solve_ex(cosines, ones)
    ridge, _ = torch.linalg.solve_ex(cosines + SINGULAR_RIDGE * eye, ones)
    beta = torch.where((info == 0) & torch.isfinite(beta).all(), beta, ridge)
    alpha = beta * inverse
    total = alpha.sum()
    return torch.where(total != 0, alpha / torch.where(
        total != 0, total, torch.ones_like(total)),
        torch.full_like(alpha, 1.0 / num))


@WEIGHTERS.register_module()
class IMTL(GradientWeighter):
    """IMTL (Liu et al., "Towards Impartial Multi-task Learning", ICLR 2021).

    Learned log-scales ``s_i`` (IMTL-L) and a closed-form combination of the
    scaled losses' gradients (IMTL-G), per ``variant``:

    - ``'loss'`` (IMTL-L): ``total = sum_i (e^{s_i} L_i - s_i)``; every
      parameter gets ``e^{s_i}`` times the gradient of ``L_i``, and
      ``d/ds_i = e^{s_i} L_i - 1`` drives ``e^{s_i} L_i`` to 1, the losses to
      one scale. No gradient is differentiated per loss.
    - ``'gradient'`` (IMTL-G): the shared tensors get ``sum_i alpha_i g_i``
      with :func:`imtl_g_weights` of the Gram matrix of the ``g_i``
      (whose projection on every unit gradient is the same); the heads get
      their own loss's gradient (weight 1), as in the paper.
    - ``'hybrid'`` (the paper's Algorithm 1, LibMTL's IMTL): IMTL-G on the
      gradients of the scaled losses ``e^{s_i} L_i`` (Gram matrix
      ``e^{s_i + s_j} G_ij``) for the shared tensors, IMTL-L for the heads
      (weight ``e^{s_i}``) and the ``s_i``: the shared tensors get
      ``sum_i alpha_i e^{s_i} g_i``.

    Reported weights: the factors of the raw losses in the shared tensors'
    gradient, ``alpha_i e^{s_i}`` (hybrid), ``alpha_i`` (gradient),
    ``e^{s_i}`` (loss). ``mode='representation'`` takes the ``g_i`` at the
    shared module's output, as the paper does (``alpha`` then combines the
    gradients reaching the shared parameters through the single backward).

    ``s`` (zeros at start) is an ``nn.Parameter`` trained by the model's
    optimizer, as in :class:`UncertaintyWeighting`, so ``num_losses`` is a
    constructor argument for ``'hybrid'`` and ``'loss'``; mind weight decay
    on it (a ``paramwise_cfg`` without decay for ``weighter``). The total's
    ``s`` term is ``(e^s - sg(e^s)) sg(L) - s`` (``sg``: detached), so the
    total's value is ``sum_i (e^{s_i} L_i - s_i)`` and its backward gives
    ``s`` its own gradient and nothing else. Buffers: ``alpha`` (the last
    IMTL-G factors, ``1/K`` at start), the weights in eval mode and on
    steps with non-finite gradients together with the current ``e^s``.

    Deviations: LibMTL holds ``s`` in a plain tensor that its trainer's
    optimizer never sees, so its IMTL keeps ``s = 0`` (IMTL-G with heads
    weight 1); here ``s`` is trained, as the paper's Algorithm 1 does.
    LibMTL inverts ``D U^T``, which fails for a zero or parallel gradient;
    see :func:`imtl_g_weights` for the conventions used there.

    Cost per training step (not ``'loss'``): one ``autograd.grad`` per loss,
    the (K, K) Gram matrix and a (K, K) solve on the device.

    Args:
        variant (str): ``'hybrid'`` (default), ``'gradient'`` or ``'loss'``.
        num_losses (int, optional): K; required by ``'hybrid'`` and
            ``'loss'`` (the ``s_i``), checked against the model's losses.
        mode (str): ``'params'`` or ``'representation'``. Defaults to
            ``'params'``.
        nonfinite (str): See :class:`BaseWeighter`.
        single_backward (bool): See :class:`GradientWeighter`. Defaults to
            True.
    """

    def __init__(self, variant: str = 'hybrid',
                 num_losses: Optional[int] = None, mode: str = 'params',
                 nonfinite: str = 'raise', single_backward: bool = True
                 ) -> None:
        super().__init__(mode=mode, nonfinite=nonfinite,
                         single_backward=single_backward)
        if variant not in IMTL_VARIANTS:
            raise ValueError(f'IMTL variant must be one of {IMTL_VARIANTS}, '
                             f'got {variant!r}')
        if num_losses is not None and (
                not isinstance(num_losses, int) or isinstance(num_losses, bool)
                or num_losses < 1):
            raise ValueError(f'IMTL num_losses must be a positive int, got '
                             f'{num_losses!r}')
        if num_losses is None and variant != 'gradient':
            raise ValueError(
                f"IMTL variant={variant!r} learns one scale per loss, so it "
                'needs num_losses (the number of losses the model returns)')
        self.variant = variant
        self.num_losses = num_losses
        # IMTL-L alone weighs losses only: no shared module needed.
        self.needs_shared = variant != 'loss'
        self.log_scales = (None if variant == 'gradient' else nn.Parameter(
            torch.zeros(num_losses)))

    def validate_names(self, names: List[str]) -> None:
        if self.num_losses is not None and len(names) != self.num_losses:
            raise ValueError(
                f'IMTL was built with num_losses={self.num_losses} but the '
                f'model returns {len(names)} losses: {names}; set '
                f'num_losses={len(names)}')

    def init_state(self, num_losses: int) -> None:
        self.register_buffer('alpha', torch.full(
            (num_losses,), 1.0 / num_losses, device=self.step.device))

    def _scales(self) -> Tensor:
        """(K,) detached ``e^{s_i}`` (ones for IMTL-G alone)."""
        if self.log_scales is None:
            return torch.ones_like(self.alpha)
        return torch.exp(self.log_scales.detach()).to(self.alpha)

    def current_weights(self) -> Tensor:
        if self.variant == 'loss':
            return self._scales()
        return self.alpha * self._scales()

    def update(self, gram: Tensor, observed: Tensor) -> GradientStep:
        scales = self._scales()
        scaled = gram.double() * (scales[:, None] * scales[None, :]).double()
        self.alpha.copy_(imtl_g_weights(scaled))
        coefficients = self.alpha * scales
        return GradientStep(scales, coefficients=coefficients,
                            reported=coefficients)

    def weigh(self, losses: Tensor, observed: Tensor
              ) -> Tuple[Tensor, Tensor]:
        if self.variant == 'loss':
            scales = torch.exp(self.log_scales)
            total = (scales * losses).sum() - self.log_scales.sum()
            return total, scales.detach().clone()
        total, reported = super().weigh(losses, observed)
        if self.variant == 'hybrid':
            scales = torch.exp(self.log_scales)
            total = total + ((scales - scales.detach()) * losses.detach()
                             - self.log_scales).sum()
        return total, reported

    def extra_repr(self) -> str:
        return (f'variant={self.variant!r}, num_losses={self.num_losses}, '
                + super().extra_repr())
