"""GradVac: raise the similarity of loss gradients to its running target."""
from typing import List, Optional

import torch
from torch import Tensor

from mtlw.registry import WEIGHTERS
from .gradient_weighter import GradientStep, GradientWeighter, effective_scales
from .utils.checks import check_number
from .utils.gradient_surgery import (global_batch_gram, group_directions,
                                     group_grams, random_orders, squared_norms,
                                     surgery_coefficients)
from .utils.seeded_generator import SeededGeneratorMixin

GRADVAC_GROUPS = ('whole', 'layer', 'matrix')
#: The small constant of the denominators (as the reference code).
EPS = 1e-8


def parameter_groups(module: torch.nn.Module, group: str) -> List[int]:
    """Sizes of the groups of the parameters of ``module`` that require
    grad, in the order of ``module.parameters()``.

    Args:
        module (nn.Module): The shared module.
        group (str): ``'layer'`` (the parameters each module owns
            directly form one group) or ``'matrix'`` (one group per
            parameter tensor).

    Returns:
        list[int]: The number of values of each group.
    """
    sizes, owners = [], []
    for name, param in module.named_parameters():
        if not param.requires_grad:
            continue
        owner = name.rpartition('.')[0]
        if group == 'layer' and owners and owners[-1] == owner:
            sizes[-1] += param.numel()
        else:
            sizes.append(param.numel())
            owners.append(owner)
    return sizes


@WEIGHTERS.register_module()
class GradVac(SeededGeneratorMixin, GradientWeighter):
    """Gradient Vaccine (Wang, Tsvetkov, Firat & Cao, "Gradient Vaccine:
    Investigating and Improving Multi-task Optimization in Massively
    Multilingual Models", ICLR 2021).

    Rule, per group of the differentiated values (see ``group``), with
    ``g_i`` the gradient of loss ``i`` on the group and ``T_ij`` the running
    target similarity (initially 0): for every loss ``i``, ``g_i' = g_i``;
    then, for every other loss ``j`` in a random order,

        ``phi = <g_i', g_j> / (||g_i'|| ||g_j|| + eps)``
        if ``phi < T_ij``: ``g_i' <- g_i' + ||g_i'|| (T_ij sqrt(1 - phi^2)
        - phi sqrt(1 - T_ij^2)) / (||g_j|| sqrt(1 - T_ij^2) + eps) g_j``
        ``T_ij <- (1 - beta) T_ij + beta phi``

    (``eps = 1e-8``; a zero ``g_j`` adds nothing), and the shared gradient
    is ``d = sum_i g_i'`` on every group. With targets fixed at 0 this is
    PCGrad. Every ``g_i'`` is kept as coefficients over the ``g_j``
    (:func:`surgery_coefficients`), so only the groups' Gram matrices are
    needed; all groups are handled at once.

    Groups: ``'whole'`` (one group; the rule then receives the Gram matrix
    only), ``'layer'`` (the parameters owned directly by each module:
    weight and bias of a layer) or ``'matrix'`` (each parameter tensor), as
    LibMTL's ``GradVac_group_type`` 0, 1, 2. In representation mode,
    ``'layer'`` and ``'matrix'`` make one group of each output tensor of
    the shared module.

    Deviations from LibMTL: the target is updated at every visit of a pair,
    as in the paper's algorithm (LibMTL updates it only when ``phi < T_ij``,
    so its targets never rise above 0); ``'layer'`` groups the parameters
    of every module that owns parameters directly, in parameter order
    (LibMTL takes the leaf modules only, which misaligns groups when a
    module with children owns parameters itself); representation mode is
    supported (LibMTL refuses it). The orders are drawn from the weighter's
    own CPU generator seeded with ``seed`` (K ``randperm`` per step, the
    same on every rank).

    Heads (the parameters outside the shared module) get the gradient of
    their own loss (weight 1). The reported weights are the effective
    scales ``<g_i, d> / ||g_i||^2`` over all groups
    (:func:`effective_scales`); 1 before the first step and in eval mode.

    State: the targets (buffer ``targets``, (N, K, K) for N groups, created
    at the first step; a state with another number of groups is refused)
    and the generator (``generator_state``). Cost per training step: one
    ``autograd.grad`` per loss, the Gram matrix of each group (from the
    (K, P) gradient matrix unless ``group='whole'``), K^2 small device
    operations on (N,)-vectors in float64 and no device read.

    Args:
        beta (float): Rate of the targets' moving average, in [0, 1].
            Defaults to 0.5.
        group (str): ``'whole'``, ``'layer'`` or ``'matrix'``. Defaults to
            ``'whole'``.
        seed (int): Seed of the random orders. Defaults to 0.
        mode (str): ``'params'`` or ``'representation'``. Defaults to
            ``'params'``.
        nonfinite (str): See :class:`BaseWeighter`.
        single_backward (bool): See :class:`GradientWeighter`. Defaults to
            True.
    """

    def __init__(self, beta: float = 0.5, group: str = 'whole',
                 seed: int = 0, mode: str = 'params',
                 nonfinite: str = 'raise', single_backward: bool = True
                 ) -> None:
        if group not in GRADVAC_GROUPS:
            raise ValueError(f'GradVac group must be one of '
                             f'{GRADVAC_GROUPS}, got {group!r}')
        self.gradient_input = 'gram' if group == 'whole' else 'vectors'
        super().__init__(mode=mode, nonfinite=nonfinite,
                         single_backward=single_backward)
        self.beta = check_number('GradVac', 'beta', beta, low=0.0, high=1.0)
        self.group = group
        self.init_generator(seed)
        # (N, K, K) once the number of groups is known (the first step).
        self.register_buffer('targets', torch.zeros(0))

    def current_weights(self) -> Tensor:
        return torch.ones(len(self.loss_names), device=self.step.device)

    def update(self, gram: Tensor, observed: Tensor) -> GradientStep:
        matrix, sizes = None, None
        if self.group == 'whole':
            grams = gram.double()[None]
        else:
            matrix, sizes = gram, self._group_sizes()
            grams = group_grams(matrix.double(), sizes)
            if self.mode == 'representation':
                grams = global_batch_gram(grams)
        targets = self._targets_for(grams.shape[0], grams.shape[1])
        orders = random_orders(self.generator, grams.shape[1],
                               skip_self=True)
        coefficients = surgery_coefficients(
            grams, orders, self._vaccine(grams, targets)).sum(1)
        self._store_targets(targets)
        reported = effective_scales(
            torch.einsum('nkl,nl->k', grams, coefficients),
            grams.diagonal(dim1=1, dim2=2).sum(0)).to(observed.dtype)
        ones = torch.ones_like(observed)
        if matrix is None:
            return GradientStep(ones, coefficients=coefficients[0],
                                reported=reported)
        return GradientStep(
            ones, direction=group_directions(coefficients, matrix, sizes),
            reported=reported)

    def _vaccine(self, grams: Tensor, targets: Tensor):
        """The adjustment of :func:`surgery_coefficients`; updates the
        (N, K, K) ``targets`` in place."""
        beta = self.beta

        def adjust(i: int, j: int, row: Tensor, product: Tensor) -> Tensor:
            norm_i = squared_norms(row, grams).sqrt()
            norm_j = grams[:, j, j].clamp_min(0).sqrt()
            phi = product / (norm_i * norm_j + EPS)
            target = targets[:, i, j].clone()
            cos_phi = (1 - phi.square()).clamp_min(0).sqrt()
            cos_target = (1 - target.square()).clamp_min(0).sqrt()
            scale = (norm_i * (target * cos_phi - phi * cos_target)
                     / (norm_j * cos_target + EPS))
            targets[:, i, j] = (1 - beta) * target + beta * phi
            return torch.where((phi < target) & (norm_j > 0), scale,
                               torch.zeros_like(scale))

        return adjust

    def _group_sizes(self) -> List[int]:
        """The sizes of the groups of the flattened gradients."""
        if self.mode == 'representation':
            return [output.numel() for output in self._captured]
        return parameter_groups(self.shared_module, self.group)

    def _targets_for(self, groups: int, num: int) -> Tensor:
        """A float64 copy of the targets (zeros at the first step);
        the rule updates it and stores it back."""
        if self.targets.numel() == 0:
            return torch.zeros(groups, num, num, dtype=torch.float64,
                               device=self.targets.device)
        if tuple(self.targets.shape) != (groups, num, num):
            raise ValueError(
                f'GradVac (group={self.group!r}) holds targets for '
                f'{self.targets.shape[0]} groups but the shared module '
                f'now has {groups}: the shared module changed since the '
                'targets were created or saved')
        return self.targets.to(torch.float64, copy=True)

    def _store_targets(self, targets: Tensor) -> None:
        if self.targets.shape == targets.shape:
            self.targets.copy_(targets)
        else:  # the first step
            self.targets = targets.to(torch.float32)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        saved: Optional[Tensor] = state_dict.get(prefix + 'targets')
        if saved is not None:
            self.targets = torch.zeros_like(saved, device=self.step.device)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def extra_repr(self) -> str:
        return (f'beta={self.beta}, group={self.group!r}, seed={self.seed}, '
                + super().extra_repr())
