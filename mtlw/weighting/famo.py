"""FAMO: Fast Adaptive Multitask Optimization, a balanced loss decrease."""
from typing import Dict, List, Tuple, Union

import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .base import BaseWeighter
from .utils.checks import check_number, check_number_dict
from .utils.adam import adam_step

GAP_EPS = 1e-8


def softmax_vjp(logits: Tensor, vector: Tensor) -> Tensor:
    """``J^T v`` with ``J`` the Jacobian of ``softmax(logits)``.

    ``J = diag(z) - z z^T`` is symmetric, so ``J^T v = z * (v - z . v)``.

    Args:
        logits (Tensor): (K,) logits xi.
        vector (Tensor): (K,) vector v.

    Returns:
        Tensor: (K,) ``J^T v``.
    """
    z = torch.softmax(logits, dim=0)
    return z * (vector - (z * vector).sum())


@WEIGHTERS.register_module()
class FAMO(BaseWeighter):
    """FAMO (Liu et al., "FAMO: Fast Adaptive Multitask Optimization",
    NeurIPS 2023).

    Logits ``xi`` (buffers: FAMO updates them itself, not the model's
    optimizer), ``z = softmax(xi)``, gaps ``D_i = L_i - L_min,i + 1e-8``:

    1. ``total = sum_i z_i log D_i / c`` with ``c = sum_i z_i / D_i``
       (detached); its gradient on ``L_i`` is ``z_i / (c D_i)``, the
       reported weight (the weights sum to 1).
    2. From the second training step on, before the weights of this step,
       the improvement since the previous step
       ``delta_i = log D_i(prev) - log D_i(now)`` updates the logits by one
       Adam step on the gradient ``g = J_softmax(xi)^T delta``: a loss that
       fell faster than the ``z``-weighted average has its logit lowered.
       This is the paper's ``xi <- xi - beta delta_t`` and the sign of the
       authors' code (``w.grad = J^T delta``, then ``Adam.step()``); Adam's
       L2 weight decay is the paper's regularisation ``gamma``. Adam keeps
       ``torch.optim.Adam``'s defaults (betas (0.9, 0.999), eps 1e-8); its
       moments are buffers, saved with the weighter.

    Deviation: the authors' code compares the loss before and after the
    optimizer step on the *same* batch, at the cost of a second forward
    pass. Here ``delta`` compares the observed losses of consecutive
    training steps (different batches), so FAMO needs no extra forward; the
    previous step's log gaps are a buffer. The gaps are floored at ``1e-8``
    so a loss below its ``L_min`` gives no NaN (and no gradient).

    Args:
        min_losses (float | dict[str, float]): ``L_min`` of every loss (one
            value for all, or by name). Defaults to 0 (the paper).
        lr (float): Adam learning rate of the logits. Defaults to 0.025.
        weight_decay (float): gamma, Adam's L2 coefficient on the logits.
            Defaults to 1e-3; the authors' code defaults to 0.01 (its
            ``--gamma``).
        nonfinite (str): See :class:`BaseWeighter`.
    """

    def __init__(self, min_losses: Union[float, Dict[str, float]] = 0.0,
                 lr: float = 0.025, weight_decay: float = 1e-3,
                 nonfinite: str = 'raise') -> None:
        super().__init__(nonfinite=nonfinite)
        self.min_losses = (
            check_number_dict('FAMO', 'min_losses', min_losses)
            if isinstance(min_losses, dict)
            else check_number('FAMO', 'min_losses', min_losses))
        self.lr = check_number('FAMO', 'lr', lr, low=0.0, low_open=True)
        self.weight_decay = check_number('FAMO', 'weight_decay',
                                         weight_decay, low=0.0)

    def validate_names(self, names: List[str]) -> None:
        if not isinstance(self.min_losses, dict):
            return
        missing = sorted(set(names) - set(self.min_losses))
        unused = sorted(set(self.min_losses) - set(names))
        if missing or unused:
            raise KeyError(
                f'FAMO min_losses do not match the model losses: losses '
                f'without a minimum {missing}, minima without a loss '
                f'{unused}; the model returns {names}')

    def init_state(self, num_losses: int) -> None:
        device = self.step.device
        if isinstance(self.min_losses, dict):
            minima = torch.tensor([float(self.min_losses[name])
                                   for name in self.loss_names])
        else:
            minima = torch.full((num_losses,), self.min_losses)
        self.register_buffer('loss_minima', minima.to(device),
                             persistent=False)
        for name in ('logits', 'exp_avg', 'exp_avg_sq', 'prev_log_gap'):
            self.register_buffer(name,
                                 torch.zeros(num_losses, device=device))

    def _gap(self, values: Tensor) -> Tensor:
        """``D = L - L_min + 1e-8``, floored at 1e-8."""
        return (values - self.loss_minima + GAP_EPS).clamp(min=GAP_EPS)

    def weigh(self, losses: Tensor, observed: Tensor) -> Tuple[Tensor, Tensor]:
        if self.training:
            log_gap = torch.log(self._gap(observed))
            self._update_logits(self.prev_log_gap - log_gap)
            self.prev_log_gap.copy_(log_gap)
        z = torch.softmax(self.logits, dim=0)
        gap = self._gap(losses)
        c = (z / gap).sum().detach()
        total = (z * torch.log(gap)).sum() / c
        return total, (z / (c * gap)).detach()

    def _update_logits(self, delta: Tensor) -> None:
        """One Adam step on ``J^T delta``, skipped at the first step."""
        # Adam's L2 weight decay: gamma xi joins the gradient.
        grad = (softmax_vjp(self.logits, delta)
                + self.weight_decay * self.logits)
        count = self.step.to(delta.dtype).clamp(min=1)
        updated = adam_step(self.logits, grad, self.exp_avg, self.exp_avg_sq,
                            count, self.lr)
        has_prev = self.step >= 1
        for buf, new in zip((self.logits, self.exp_avg, self.exp_avg_sq),
                            updated):
            buf.copy_(torch.where(has_prev, new, buf))

    def extra_repr(self) -> str:
        return (f'min_losses={self.min_losses}, lr={self.lr}, '
                f'weight_decay={self.weight_decay}, '
                + super().extra_repr())
