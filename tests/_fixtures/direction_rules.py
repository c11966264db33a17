"""Checks of the rules that set the shared gradient themselves (PCGrad,
GradVac, GradDrop): the trunk's gradient after one step against a
reference direction, simulated ranks against one process on the global
batch, and the random orders the rules draw."""
import copy
from typing import Callable, List, Sequence

import numpy as np
import torch
import torch.distributed as dist
from torch import Tensor, nn

from tests._fixtures.gradient_rules import ThreadRanks, head_losses

#: ``reference(matrix, z)``: the (P,) direction from the (K, P) per-loss
#: gradients (per-sample flattened in representation mode) and the
#: shared output ``z``.
Reference = Callable[[np.ndarray, np.ndarray], np.ndarray]


def trained(module: nn.Module) -> List[nn.Parameter]:
    """The parameters of ``module`` that require grad."""
    return [p for p in module.parameters() if p.requires_grad]


def step_gradients(weighter, modules: Sequence[nn.Module], x: Tensor
                   ) -> List[Tensor]:
    """One step of ``weighter`` on the trunk and heads; the trunk's
    parameter gradients (cleared afterwards) and the reported weights."""
    weighter.attach(modules[0])
    total, weights = weighter(head_losses(modules, x))
    total.backward()
    grads = [p.grad.detach().clone() for p in trained(modules[0])]
    for module in modules:
        module.zero_grad()
    return grads + [torch.stack(list(weights.values()))]


def reference_gradients(modules: Sequence[nn.Module], x: Tensor, mode: str,
                        reference: Reference) -> List[Tensor]:
    """The trunk's gradients when the gradient on the differentiated
    tensors is ``reference`` of the per-loss gradients."""
    params = trained(modules[0])
    z = modules[0](x)
    targets = params if mode == 'params' else [z]
    # the losses of head_losses, from this z
    losses = [(head(z) - i).pow(2).mean()
              for i, head in enumerate(modules[1:])]
    rows = [torch.cat([g.reshape(-1) for g in torch.autograd.grad(
        loss, targets, retain_graph=True)]) for loss in losses]
    matrix = torch.stack(rows).double().numpy()
    direction = torch.from_numpy(
        reference(matrix, z.detach().double().numpy())).float()
    if mode == 'params':
        pieces = direction.split([p.numel() for p in params])
        return [piece.view_as(p) for piece, p in zip(pieces, params)]
    return list(torch.autograd.grad(z, params, direction.view_as(z)))


def ranks_and_single(make_rule: Callable, steps: int = 2,
                     monkeypatch=None) -> tuple:
    """Two simulated ranks with half a batch each and one process on the
    whole batch, ``steps`` steps of a fresh ``make_rule()`` each on the
    same trunk and heads.

    Returns:
        tuple: (rank gradients averaged as DDP does, per-rank results,
        single-process results); each result is a list per step of the
        trunk gradients followed by the reported weights.
    """
    torch.manual_seed(0)
    modules = [nn.Linear(4, 3)] + [nn.Linear(3, 1) for _ in range(3)]
    batches = [torch.randn(6, 4) for _ in range(steps)]

    def train(rule, model, parts):
        return [step_gradients(rule, model, part) for part in parts]

    single = train(make_rule(), modules, batches)
    per_rank = [(make_rule(), copy.deepcopy(modules),
                 [b[rank * 3:(rank + 1) * 3] for b in batches])
                for rank in range(2)]
    ranks = ThreadRanks(2)
    ranks.patch(monkeypatch, dist)
    results = ranks.run(train, per_rank)
    averaged = [[(a + b) / 2 for a, b in zip(r0[:-1], r1[:-1])]
                for r0, r1 in zip(*results)]
    return averaged, results, single


def drawn_orders(seed: int, num: int, steps: int,
                 skip_self: bool) -> List[List[List[int]]]:
    """The orders a surgery rule seeded with ``seed`` visits: per step, per
    loss ``i``, one ``randperm(num)`` (without ``i`` if ``skip_self``)."""
    generator = torch.Generator().manual_seed(seed)
    orders = []
    for _ in range(steps):
        step = [torch.randperm(num, generator=generator).tolist()
                for _ in range(num)]
        orders.append([[j for j in order if not (skip_self and j == i)]
                       for i, order in enumerate(step)])
    return orders


def scales_reference(matrix: np.ndarray, direction: np.ndarray
                     ) -> np.ndarray:
    """``<g_i, d> / ||g_i||^2`` (0 for a zero ``g_i``), plainly."""
    out = []
    for row in np.asarray(matrix, dtype=np.float64):
        squared = float(row @ row)
        out.append(float(row @ direction) / squared if squared > 0 else 0.)
    return np.array(out)
