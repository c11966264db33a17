"""MoDo: multi-objective gradient with double sampling."""
import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .gradient_weighter import GradientWeighter
from .utils.checks import check_number
from .utils.simplex import project_to_simplex


@WEIGHTERS.register_module()
class MoDo(GradientWeighter):
    """MoDo (Chen, Fernando, Ying, Chen, "Three-Way Trade-Off in
    Multi-Objective Learning: Optimization, Generalization and
    Conflict-Avoidance", NeurIPS 2023).

    The weights ``lambda`` (on the simplex, ``1/K`` at first) follow one
    projected gradient step per training step on ``||G lambda||^2 / 2 +
    rho ||lambda||^2 / 2`` with the double-sampled estimate of
    ``G^T G lambda``:

        ``lambda <- Proj_simplex(lambda - gamma (G_1^T G_2 lambda
        + rho lambda))``

    where ``G_1``, ``G_2`` hold the per-loss gradients of two independent
    samples. Here they are two sub-batches of the step's batch: the batch
    is split into three (``sub_batches = 3``, see
    :class:`GradientWeighter`; ``(G_1^T G_2)_ij`` is the cross-Gram entry
    of sub-batches 0 and 1), so each process needs at least 3 samples per
    batch. A sub-batch's gradient is that of its mean loss only when every
    sample weighs alike in the losses and BatchNorm does not couple them;
    otherwise it is an approximation.

    The total is ``sum_i lambda_i L_i`` with the updated ``lambda``: the
    shared gradient is ``sum_i lambda_i g_i`` of the whole batch, each head
    gets ``lambda_i`` times its loss gradient (the paper updates every
    parameter with the ``lambda``-combination). The reported weights are
    ``lambda``.

    Deviations from LibMTL's ``MoDo`` and the authors' code, which draw
    three batches per step and combine the third batch's gradients: the
    three samples are sub-batches of one batch, and the update combines
    the whole batch's gradients (so the samples of the update are not
    independent of ``lambda``; no data of the batch is left unused).
    LibMTL gives the heads weight 1 (the mean of their three gradients).

    State: ``lambda`` (buffer ``lambd``). Cost per step: one
    ``autograd.grad`` per loss to the shared output, in params mode three
    more backward passes per loss through the shared module, and a
    (3, K, P) gradient tensor in memory; the update is on the device.

    Args:
        gamma (float): Step size of ``lambda``, > 0. Defaults to 1e-3.
        rho (float): Regularisation of ``lambda``, >= 0. Defaults to 0.1.
        mode (str): ``'params'`` or ``'representation'``. Defaults to
            ``'params'``.
        nonfinite (str): See :class:`BaseWeighter`.
        single_backward (bool): See :class:`GradientWeighter`.
    """

    sub_batches = 3

    def __init__(self, gamma: float = 1e-3, rho: float = 0.1,
                 mode: str = 'params', nonfinite: str = 'raise',
                 single_backward: bool = True) -> None:
        super().__init__(mode=mode, nonfinite=nonfinite,
                         single_backward=single_backward)
        self.gamma = check_number('MoDo', 'gamma', gamma, low=0.0,
                                  low_open=True)
        self.rho = check_number('MoDo', 'rho', rho, low=0.0)

    def init_state(self, num_losses: int) -> None:
        self.register_buffer(
            'lambd', torch.full((num_losses,), 1.0 / num_losses,
                                device=self.step.device))

    def current_weights(self) -> Tensor:
        return self.lambd

    def update(self, gram: Tensor, observed: Tensor) -> Tensor:
        lambd = self.lambd
        cross = gram[0, 1].to(lambd)
        self.lambd.copy_(project_to_simplex(
            lambd - self.gamma * (cross @ lambd + self.rho * lambd)))
        return self.lambd

    def extra_repr(self) -> str:
        return (f'gamma={self.gamma}, rho={self.rho}, '
                + super().extra_repr())
