"""Fixtures of the gradient-based rules: losses with prescribed gradients,
a small shared trunk with heads, and ranks simulated by threads."""
import threading
from typing import (Callable, Dict, Iterator, List, Optional, Sequence,
                    Tuple)

import torch
from torch import Tensor, nn

from mtlw.registry import WEIGHTERS
from mtlw.weighting import GradientWeighter

#: Per-loss gradients (K, P) of the cases every gradient rule is checked
#: on: two and three losses, conflicting and aligned, one zero gradient.
GRADIENT_CASES = {
    'two_conflicting': [[1., 0., .5], [-2., 1., 0.]],
    'two_aligned': [[1., .5, 0.], [2., .2, .1]],
    'three_conflicting': [[1., 0., 0., .5], [-1., 1., 0., 0.],
                          [0., -1., 1., .2]],
    'three_aligned': [[1., 1., 0., 0.], [1., 0., 1., 0.], [.5, .5, .5, 0.]],
    'one_zero': [[1., 0., 0.], [0., 0., 0.], [-1., .5, 0.]],
}

#: Arguments of the gradient rules beyond their defaults, in the tests
#: that run every registered rule.
RULE_ARGS = dict(GradNorm=dict(optimizer='sgd', weight_lr=0.1),
                 IMTL=dict(num_losses=3))


def gradient_rules() -> List[str]:
    """Every registered gradient-based rule."""
    return sorted(name for name, cls in WEIGHTERS.module_dict.items()
                  if issubclass(cls, GradientWeighter))


def gradient_rule_cases() -> Iterator[Tuple[str, str, dict]]:
    """``(rule, mode, extra arguments)`` of every rule in both modes."""
    for rule in gradient_rules():
        for mode in ('params', 'representation'):
            yield rule, mode, RULE_ARGS.get(rule, {})


def rule_batches(num: int = 3, size: int = 6) -> List[Tensor]:
    """Fixed (size, 4) input batches."""
    gen = torch.Generator().manual_seed(1)
    return [torch.randn(size, 4, generator=gen) for _ in range(num)]


class PrescribedShared(nn.Module):
    """``Z = x[:, None] * theta``: with ``x = 1`` the gradient of
    ``<a, Z_b>`` is ``a`` on ``theta`` and on ``Z_b`` alike."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.theta = nn.Parameter(torch.randn(size))

    def forward(self, x: Tensor) -> Tensor:
        return x[:, None] * self.theta


def prescribed_step(weighter: GradientWeighter, gradients: Tensor,
                    mode_batch: int = 1, values: Optional[Tensor] = None
                    ) -> Dict[str, Tensor]:
    """One training step of ``weighter`` on losses whose per-loss gradients
    on the shared parameters (and, with one sample, on the shared output)
    are the rows of ``gradients``.

    Loss ``i`` is ``h_i * mean_b <a_i, Z_b>`` with a head scalar ``h_i = 1``,
    so its gradient on ``theta`` is ``a_i`` and on ``h_i`` is
    ``<a_i, theta>``. The weighter is attached to the shared module; the
    total is back-propagated.

    With ``values``, loss ``i`` is ``h_i * (mean_b <a_i, Z_b> -
    sg(<a_i, theta>) + v_i)`` (``sg``: detached): the same gradient on
    ``theta``, the value ``v_i``, and ``v_i`` as the gradient on ``h_i``.

    Args:
        weighter (GradientWeighter): A fresh or running rule in train mode.
        gradients (Tensor): (K, P) the ``a_i``.
        mode_batch (int): Samples (all ``x = 1``). Defaults to 1.
        values (Tensor, optional): (K,) the losses' values.

    Returns:
        dict[str, Tensor]: ``shared`` (P,) the gradient on ``theta``,
        ``heads`` (K,) the gradients on the ``h_i``, ``weights`` (K,) the
        reported weights, ``total`` the total's value, ``theta``.
    """
    num_losses, size = gradients.shape
    shared = PrescribedShared(size)
    heads = nn.Parameter(torch.ones(num_losses))
    weighter.attach(shared, 'shared')
    z = shared(torch.ones(mode_batch))
    shift = (torch.zeros(num_losses) if values is None
             else values - gradients @ shared.theta.detach())
    losses = {f'loss_{i}': heads[i] * ((z * gradients[i]).sum(1).mean()
                                       + shift[i])
              for i in range(num_losses)}
    total, weights = weighter(losses)
    total.backward()
    return dict(shared=shared.theta.grad.detach().clone(),
                heads=heads.grad.detach().clone(),
                weights=torch.stack(list(weights.values())),
                total=total.detach(), theta=shared.theta.detach())


def trunk_and_heads(num_losses: int = 3, seed: int = 0
                    ) -> List[nn.Module]:
    """A linear trunk (4 -> 3) and ``num_losses`` linear heads (3 -> 1)."""
    torch.manual_seed(seed)
    return [nn.Linear(4, 3)] + [nn.Linear(3, 1) for _ in range(num_losses)]


def head_losses(modules: Sequence[nn.Module], x: Tensor
                ) -> Dict[str, Tensor]:
    """Losses ``mean((head_i(trunk(x)) - i)^2)``, conflicting targets."""
    z = modules[0](x)
    return {f'l{i}': (head(z) - i).pow(2).mean()
            for i, head in enumerate(modules[1:])}


class ThreadRanks:
    """Ranks as threads: a stand-in for ``torch.distributed`` whose
    ``all_reduce`` sums the tensors of all threads."""

    def __init__(self, world_size: int) -> None:
        self.world_size = world_size
        self.barrier = threading.Barrier(world_size, timeout=60)
        self.slots = [None] * world_size
        self.calls = [0] * world_size
        self.local = threading.local()

    def all_reduce(self, tensor, *args, **kwargs):
        rank = self.local.rank
        self.calls[rank] += 1
        self.slots[rank] = tensor.clone()
        self.barrier.wait()
        total = torch.stack(self.slots).sum(0)
        self.barrier.wait()
        tensor.copy_(total)

    def run(self, fn: Callable, per_rank_args: Sequence[Sequence]) -> list:
        results, errors = [None] * self.world_size, []

        def target(rank):
            self.local.rank = rank
            try:
                results[rank] = fn(*per_rank_args[rank])
            except BaseException as error:  # noqa: B902
                errors.append(error)
                self.barrier.abort()

        threads = [threading.Thread(target=target, args=(rank, ))
                   for rank in range(self.world_size)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
        return results

    def patch(self, monkeypatch, dist) -> None:
        """Make ``dist`` look initialised with these ranks."""
        monkeypatch.setattr(dist, 'is_available', lambda: True)
        monkeypatch.setattr(dist, 'is_initialized', lambda: True)
        monkeypatch.setattr(dist, 'get_world_size',
                            lambda group=None: self.world_size)
        monkeypatch.setattr(dist, 'get_rank',
                            lambda group=None: self.local.rank)
        monkeypatch.setattr(dist, 'all_reduce', self.all_reduce)
