"""Fixtures of the rules with sub-batches: losses with prescribed
per-sample gradients and the sub-batch gradients they imply."""
from typing import Dict

import torch
from torch import Tensor, nn

from mtlw.weighting import GradientWeighter
from tests._fixtures.gradient_rules import PrescribedShared


def per_sample_step(weighter: GradientWeighter,
                    gradients: Tensor) -> Dict[str, Tensor]:
    """One training step on losses whose gradient on the shared parameters
    from sample ``b`` is ``gradients[:, b] / B``.

    Loss ``i`` is ``h_i * mean_b <A_ib, Z_b>`` with ``Z_b = theta`` and a
    head scalar ``h_i = 1``: its whole-batch gradient on ``theta`` is
    ``mean_b A_ib``, on ``h_i`` ``<mean_b A_ib, theta>``, and on the output
    row ``Z_b`` ``A_ib / B``.

    Args:
        weighter (GradientWeighter): A rule in train mode.
        gradients (Tensor): (K, B, P) the ``A_ib``.

    Returns:
        dict[str, Tensor]: ``shared`` (P,), ``heads`` (K,), ``weights``
        (K,) reported, ``theta`` (P,).
    """
    num_losses, batch, size = gradients.shape
    shared = PrescribedShared(size)
    heads = nn.Parameter(torch.ones(num_losses))
    weighter.attach(shared, 'shared')
    z = shared(torch.ones(batch))
    losses = {f'loss_{i}': heads[i] * (z * gradients[i]).sum(1).mean()
              for i in range(num_losses)}
    total, weights = weighter(losses)
    total.backward()
    return dict(shared=shared.theta.grad.detach().clone(),
                heads=heads.grad.detach().clone(),
                weights=torch.stack(list(weights.values())),
                theta=shared.theta.detach())


def sub_batch_vectors(gradients: Tensor, sub_batches: int,
                      mode: str) -> Tensor:
    """The sub-batch gradients of :func:`per_sample_step`'s losses.

    Per sub-batch of ``m = B // S`` consecutive samples: in params mode the
    mean of their ``A_ib`` (K, P); in representation mode the gradient of
    the sub-batch's mean loss on its output rows, ``A_ib / m`` for each of
    its samples (K, m P).

    Args:
        gradients (Tensor): (K, B, P) the ``A_ib``.
        sub_batches (int): S.
        mode (str): ``'params'`` or ``'representation'``.

    Returns:
        Tensor: (S, K, P) or (S, K, m P).
    """
    size = gradients.shape[1] // sub_batches
    parts = [gradients[:, s * size:(s + 1) * size]
             for s in range(sub_batches)]
    if mode == 'params':
        return torch.stack([part.mean(1) for part in parts])
    return torch.stack([part.reshape(len(part), -1) / size
                        for part in parts])


def per_sample_cases() -> Dict[str, Tensor]:
    """(K, 3, P) per-sample gradients for 2 and 3 losses: conflicting,
    aligned (positive multiples of one vector per sample) and with one
    loss's gradient zero."""
    generator = torch.Generator().manual_seed(0)
    base = torch.randn(3, 5, generator=generator)
    aligned = torch.tensor([1.0, 2.5, 0.5])[:, None, None] * base
    conflicting = torch.randn(3, 3, 5, generator=generator)
    conflicting[1] = -conflicting[0] + 0.3 * conflicting[1]
    zero = conflicting.clone()
    zero[2] = 0
    return {'conflicting-2': conflicting[:2], 'conflicting-3': conflicting,
            'aligned-2': aligned[:2], 'aligned-3': aligned,
            'zero-3': zero}
