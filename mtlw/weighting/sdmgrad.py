"""SDMGrad: stochastic direction-oriented multi-objective gradient."""
import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .gradient_weighter import GradientWeighter
from .utils.checks import check_number
from .utils.simplex import project_to_simplex

#: Step size and momentum of the inner solver (LibMTL's values).
SOLVER_LR = 5.0
SOLVER_MOMENTUM = 0.5


def sdmgrad_solve(cross: Tensor, w: Tensor, lamda: float,
                  niter: int) -> Tensor:
    """``niter`` projected heavy-ball steps of the SDMGrad weights.

    With ``A`` the cross-Gram matrix divided by ``mean_i sqrt(A_ii)^2 +
    1e-8`` (negative diagonal entries taken as 0) and ``b = mean_j A_:j``:
    ``m <- 0.5 m + (A w + lamda b)`` (``m = A w + lamda b`` at the first
    step), ``w <- Proj_simplex(w - 5 m)``.

    Args:
        cross (Tensor): (K, K) ``<xi_1i, xi_2j>`` of two sub-batches.
        w (Tensor): (K,) starting weights on the simplex.
        lamda (float): Weight of the average direction.
        niter (int): Steps.

    Returns:
        Tensor: (K,) the weights.
    """
    scale = cross.diagonal().clamp_min(0).sqrt().mean()
    cross = cross / (scale.square() + 1e-8)
    average = cross.mean(1)
    momentum = torch.zeros_like(w)
    for index in range(niter):
        grad = cross @ w + lamda * average
        momentum = grad if index == 0 else SOLVER_MOMENTUM * momentum + grad
        w = project_to_simplex(w - SOLVER_LR * momentum)
    return w


@WEIGHTERS.register_module()
class SDMGrad(GradientWeighter):
    """SDMGrad (Xiao, Ban, Ji, "Direction-oriented Multi-objective Learning:
    Simple and Provable Stochastic Algorithms", NeurIPS 2023).

    The direction is ``d = (G w + lamda g_0) / (1 + lamda)``, ``g_0`` the
    average gradient ``G 1/K``, with ``w`` on the simplex approximately
    minimising ``||G w + lamda g_0||^2 / 2`` by ``niter`` projected
    heavy-ball steps (:func:`sdmgrad_solve`, warm-started from the last
    ``w``) on the double-sampled estimate ``xi_1^T xi_2`` of ``G^T G``:
    the per-loss gradients of two independent samples. Here they are two
    sub-batches of the step's batch: the batch is split into three
    (``sub_batches = 3``, see :class:`GradientWeighter`; the products are
    the cross-Gram entries of sub-batches 1 and 2), so each process needs
    at least 3 samples per batch. A sub-batch's gradient is that of its
    mean loss only when every sample weighs alike in the losses and
    BatchNorm does not couple them; otherwise it is an approximation.

    The direction is a combination of the loss gradients: the total is
    ``sum_i c_i L_i`` with ``c = (w + lamda / K) / (1 + lamda)`` (summing
    to 1), so the shared gradient is ``d`` for the whole batch and each head
    gets ``c_i`` times its loss gradient (the paper updates every parameter
    with ``d``). The reported weights are ``c``; ``w`` is in the state.

    Deviations from LibMTL's ``SDMGrad`` and the authors' code, which draw
    three batches per step and build ``d`` from the first one: the three
    samples are sub-batches of one batch, and ``d`` combines the whole
    batch's gradients (not independent of ``w``; no data left unused).
    LibMTL's heads get the sum of their three batches' gradients with
    weight 1 each. The inner solver (step 5, momentum 0.5, fresh momentum
    every step, ``1e-8`` in the normalisation) is LibMTL's; the authors'
    non-stochastic code uses step 10.

    State: ``w`` (buffer). Cost per step: one ``autograd.grad`` per loss to
    the shared output, in params mode three more backward passes per loss
    through the shared module, and a (3, K, P) gradient tensor in memory;
    the solver runs ``niter`` (K, K) steps on the device.

    Args:
        lamda (float): Weight of the average direction, >= 0. Defaults to
            0.3.
        niter (int): Solver steps per training step, >= 1. Defaults to 20.
        mode (str): ``'params'`` or ``'representation'``. Defaults to
            ``'params'``.
        nonfinite (str): See :class:`BaseWeighter`.
        single_backward (bool): See :class:`GradientWeighter`.
    """

    sub_batches = 3

    def __init__(self, lamda: float = 0.3, niter: int = 20,
                 mode: str = 'params', nonfinite: str = 'raise',
                 single_backward: bool = True) -> None:
        super().__init__(mode=mode, nonfinite=nonfinite,
                         single_backward=single_backward)
        self.lamda = check_number('SDMGrad', 'lamda', lamda, low=0.0)
        if (not isinstance(niter, int) or isinstance(niter, bool)
                or niter < 1):
            raise ValueError(
                f'SDMGrad niter must be an int >= 1, got {niter!r}')
        self.niter = niter

    def init_state(self, num_losses: int) -> None:
        self.register_buffer(
            'w', torch.full((num_losses,), 1.0 / num_losses,
                            device=self.step.device))

    def current_weights(self) -> Tensor:
        return (self.w + self.lamda / self.w.numel()) / (1 + self.lamda)

    def update(self, gram: Tensor, observed: Tensor) -> Tensor:
        self.w.copy_(sdmgrad_solve(gram[1, 2].to(self.w), self.w,
                                   self.lamda, self.niter))
        return self.current_weights()

    def extra_repr(self) -> str:
        return (f'lamda={self.lamda}, niter={self.niter}, '
                + super().extra_repr())
