"""CAGrad: the update that maximises the worst loss's improvement near the
mean gradient."""
import numpy as np
import torch
from scipy.optimize import minimize
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .gradient_weighter import GradientStep, GradientWeighter
from .utils.active_set import (EXACT_MAX_SIZE, face_masks, pick_faces,
                               solve_on_faces)
from .utils.checks import check_number

#: The divisor of CAGrad's direction per ``rescale``, given ``calpha``.
RESCALES = {0: lambda calpha: 1.0, 1: lambda calpha: 1.0 + calpha**2,
            2: lambda calpha: 1.0 + calpha}
#: The smoothing constant of the authors' code (in the norms and divisors).
CAGRAD_EPS = 1e-8


def conflict_averse_weights(gram: Tensor, radius: Tensor,
                            eps: float = CAGRAD_EPS) -> Tensor:
    """CAGrad's dual weights on the simplex.

    ``w = argmin_{w in simplex} f(w)``, ``f(w) = w^T G b + c sqrt(w^T G w
    + eps)`` with ``b = 1/K`` and the radius ``c``: the objective the
    authors' code hands to ``scipy.optimize.minimize`` (SLSQP). Here it is
    solved exactly: ``G`` is scaled to unit trace (``c`` by ``1/sqrt(T)``,
    ``eps`` by ``1/T``, same minimiser). On the face ``S`` the KKT
    conditions ``(G b)_S + (c / r) G_SS w_S = mu 1``, ``1^T w_S = 1``,
    ``r = sqrt(w^T G w + eps)`` give ``w_S = y_0 / t + y_1`` where
    ``(y_0, .)`` and ``(y_1, .)`` solve the bordered system
    ``[[G_SS, 1], [1^T, 0]]`` with right-hand sides ``(-(G b)_S, 0)`` and
    ``(0, 1)``, and ``t > 0`` is the root of ``(Q_11 + eps) t^2 + 2 Q_01 t
    + Q_00 - c^2 = 0`` (``Q_ab = y_a^T G y_b``). Every face is solved at
    once (:func:`solve_on_faces`) and the candidate that best meets the
    KKT conditions (``w >= 0``; the gradient of ``f`` equal on ``S`` and
    not below that elsewhere) is kept. Beyond
    :data:`EXACT_MAX_SIZE` losses, SLSQP on the host as in the authors'
    code. All gradients zero: ``w = 1/K``.

    Args:
        gram (Tensor): (K, K) Gram matrix ``<g_i, g_j>``.
        radius (Tensor): Scalar ``c > 0``.
        eps (float): The smoothing constant under the square root.

    Returns:
        Tensor: (K,) float64 ``w >= 0`` with ``sum w = 1``.
    """
    gram = gram.double()
    radius = torch.as_tensor(radius, dtype=gram.dtype, device=gram.device)
    num = len(gram)
    if num > EXACT_MAX_SIZE:
        return _host_slsqp(gram, radius, eps)
    trace = gram.diagonal().sum()
    scale = trace.clamp_min(1e-300)
    weights = _faces_conflict_averse(gram / scale, radius / scale.sqrt(),
                                     eps / scale)
    uniform = torch.full_like(weights, 1.0 / num)
    return torch.where(trace > 0, weights, uniform)


def _faces_conflict_averse(gram: Tensor, radius: Tensor,
                           eps: Tensor) -> Tensor:
    """:func:`conflict_averse_weights` on every face, on the device."""
    num = len(gram)
    linear = gram.mean(1)
    rhs = torch.zeros(num + 1, 2, dtype=gram.dtype, device=gram.device)
    rhs[:num, 0] = -linear
    rhs[num, 1] = 1.0
    masks = face_masks(num, gram.device)
    solutions, solved = solve_on_faces(gram, rhs, masks, bordered=True)
    base, step = solutions[:, :num, 0], solutions[:, :num, 1]
    q00, q01, q11 = (torch.einsum('ni,ij,nj->n', a, gram, b)
                     for a, b in ((base, base), (base, step), (step, step)))
    curvature = q11 + eps
    discriminant = q01**2 - curvature * (q00 - radius**2)
    root = (-q01 + discriminant.clamp_min(0).sqrt()) / curvature
    valid = solved & (discriminant >= 0) & (root > 0)
    weights = base / torch.where(valid, root, torch.ones_like(root))[:, None]
    weights = weights + step
    gradients = linear + radius * (weights @ gram) / (
        torch.einsum('ni,ij,nj->n', weights, gram, weights).clamp_min(0)
        + eps).sqrt()[:, None]
    level = gradients.amin(1, keepdim=True)
    spread = torch.where(masks, gradients - level,
                         torch.zeros_like(gradients)).amax(1)
    violations = torch.maximum(spread, (-weights).amax(1))
    violations = torch.where(valid, violations,
                             torch.full_like(violations, float('inf')))
    best = pick_faces(weights[:, :, None], violations[:, None])[:, 0]
    best = best.clamp_min(0)
    return best / best.sum()


def _host_slsqp(gram: Tensor, radius: Tensor, eps: float) -> Tensor:
    """The authors' SLSQP solve of :func:`conflict_averse_weights`."""
    matrix, c = gram.cpu().numpy(), float(radius)
    num = len(matrix)
    start = np.full(num, 1.0 / num)
    linear = matrix @ start

    def objective(w):
        return w @ linear + c * np.sqrt(w @ matrix @ w + eps)

    result = minimize(objective, start, bounds=[(0, 1)] * num,
                      constraints={'type': 'eq',
                                   'fun': lambda w: 1 - w.sum()})
    return torch.from_numpy(result.x).to(gram.device)


def cagrad_coefficients(gram: Tensor, calpha: float,
                        rescale: int) -> Tensor:
    """CAGrad's direction ``d = sum_i c_i g_i`` as coefficients ``c``.

    As the authors' code: ``||g_0|| = sqrt(mean(G) + eps)`` (the norm of
    the mean gradient ``g_0``), radius ``r = calpha ||g_0|| + eps``,
    ``w`` from :func:`conflict_averse_weights`, ``lambda = r / (||g_w|| +
    eps)`` with ``g_w = sum_i w_i g_i``, and ``d = (g_0 + lambda g_w) /
    s`` with ``s = 1``, ``1 + calpha^2`` or ``1 + calpha`` for
    ``rescale`` 0, 1, 2: ``c = (1/K + lambda w) / s``. ``||g_w||`` comes
    from ``w^T G w``.

    Args:
        gram (Tensor): (K, K) Gram matrix ``<g_i, g_j>``.
        calpha (float): ``c`` of the paper (the radius over ``||g_0||``).
        rescale (int): 0, 1 or 2.

    Returns:
        Tensor: (K,) float64 coefficients.
    """
    gram = gram.double()
    radius = calpha * (gram.mean() + CAGRAD_EPS).sqrt() + CAGRAD_EPS
    weights = conflict_averse_weights(gram, radius)
    norm = (weights @ gram @ weights).clamp_min(0).sqrt()
    multiplier = radius / (norm + CAGRAD_EPS)
    return (1.0 / len(gram) + multiplier * weights) / RESCALES[rescale](
        calpha)


@WEIGHTERS.register_module()
class CAGrad(GradientWeighter):
    """CAGrad (Liu, Liu, Jin, Stone & Liu, "Conflict-Averse Gradient
    Descent for Multi-task Learning", NeurIPS 2021).

    The shared update ``d`` maximises the worst improvement ``min_i <g_i,
    d>`` within the ball ``||d - g_0|| <= calpha ||g_0||`` around the mean
    gradient ``g_0``. Through its dual, ``d = g_0 + (calpha ||g_0|| /
    ||g_w||) g_w`` with ``g_w = sum_i w_i g_i`` and ``w`` on the simplex
    minimising ``w^T G b + calpha ||g_0|| ||g_w||`` (``b = 1/K``), then
    divided per ``rescale`` (:func:`cagrad_coefficients`). The dual is
    solved exactly on the device from the (K, K) Gram matrix
    (:func:`conflict_averse_weights`), where the authors' code and LibMTL
    call SLSQP on the host: the objective is never above SLSQP's (run
    with ``ftol = 1e-12``) and the weights agree with it to 1e-3 on
    random problems (SLSQP's default ``ftol = 1e-6`` is coarser); where
    ``g_w`` is near zero ``lambda`` amplifies any solver's error, and the
    exact solve is the stable one. ``d`` is a linear combination
    ``sum_i c_i g_i`` and is set exactly on the shared tensors.

    Convention: the heads get their own loss's gradient with weight 1, as
    in the authors' code and LibMTL (each loss is back-propagated whole;
    only the shared gradient is replaced); the coefficients ``c`` are not
    used as loss weights because ``lambda`` grows without bound when
    ``g_w`` is near zero (opposed gradients, or gradients below the
    ``1e-8`` smoothing). The reported weights are the coefficients ``c``
    (LibMTL returns ``w``). The total's value is ``sum_i L_i``. The
    smoothing constants (``1e-8`` in the norms and in ``lambda``) are the
    authors' and make the rule depend on the scale of the gradients when
    they are tiny. Stateless: before the first step and in eval mode the
    weights are 1.

    Cost per training step: one ``autograd.grad`` per loss and the (K, P)
    gradient matrix; the solve is ``2^K`` bordered (K + 1)-systems on the
    device, no host read, for K <= 10; beyond, SLSQP on the host.

    Args:
        calpha (float): ``c`` of the paper. Defaults to 0.5.
        rescale (int): 0 (none), 1 (divide by ``1 + calpha^2``) or 2
            (divide by ``1 + calpha``). Defaults to 1.
        mode (str): ``'params'`` or ``'representation'``. Defaults to
            ``'params'``.
        nonfinite (str): See :class:`BaseWeighter`.
        single_backward (bool): See :class:`GradientWeighter`. Defaults to
            True.
    """

    gradient_input = 'gram'

    def __init__(self, calpha: float = 0.5, rescale: int = 1,
                 mode: str = 'params', nonfinite: str = 'raise',
                 single_backward: bool = True) -> None:
        super().__init__(mode=mode, nonfinite=nonfinite,
                         single_backward=single_backward)
        self.calpha = check_number('CAGrad', 'calpha', calpha, low=0.0)
        if isinstance(rescale, bool) or rescale not in RESCALES:
            raise ValueError(f'CAGrad rescale must be one of '
                             f'{tuple(RESCALES)}, got {rescale!r}')
        self.rescale = int(rescale)

    def current_weights(self) -> Tensor:
        return torch.ones(len(self.loss_names), device=self.step.device)

    def update(self, gram: Tensor, observed: Tensor) -> GradientStep:
        coefficients = cagrad_coefficients(gram, self.calpha, self.rescale)
        return GradientStep(self.current_weights(),
                            coefficients=coefficients,
                            reported=coefficients.float())

    def extra_repr(self) -> str:
        return (f'calpha={self.calpha}, rescale={self.rescale}, '
                + super().extra_repr())
