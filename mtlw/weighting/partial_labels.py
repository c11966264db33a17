"""Weak supervision: batches in which samples lack some tasks' labels.

The rule (used by :class:`SemanticDepthPredictor` with
``partial_labels=True``; Jiao et al., "Look Deeper into Depth", ECCV 2018,
supplementary section 8):

1. A sample without a task's label carries an all-invalid map for it (depth
   0, segmentation ``ignore_index``; see
   :class:`~mtlw.datasets.transforms.FillMissingLabels`). Every loss of the
   family averages over valid pixels only, so that sample adds nothing to
   the task's loss and its branch gets no gradient from it.
2. A task with no labelled sample in the batch still returns its loss terms
   under their keys (0 with graph), so the key set stays fixed.
3. A step is *full* when every task has a labelled sample on every rank.
   Full steps go through the weighter as usual. At a *partial* step the
   weighter runs in eval mode, so no statistic, counter, period or
   learnable weight changes (CoV means and variances, DWA / LSB period
   sums, GradNorm / MGDA / FAMO states, Uncertainty's log-variances), and
   an absent term is shown to it at its last value from a full step (1
   before the first); the total is ``sum_present w_i L_i`` with the
   weights it returns (detached), plus ``0 * L_j`` for each absent term to
   keep the graph whole for DDP. Statistics thus only ever see real losses.
"""
from typing import Dict, Mapping

import torch
import torch.distributed as dist
from torch import Tensor, nn

#: Key suffix of the logged number of labelled samples of a task.
LABELLED = 'labelled'


def labelled_samples(kind: str, target: Tensor,
                     ignore_index: int = 255) -> Tensor:
    """Which samples hold at least one valid label.

    Args:
        kind (str): Task kind; ``'seg'`` labels are valid unless
            ``ignore_index``, other maps unless 0 in every channel.
        target (Tensor): (B, H, W) labels or (B, C, H, W) maps.
        ignore_index (int): Unlabelled segmentation value.

    Returns:
        Tensor: (B,) bool.
    """
    if kind == 'seg':
        valid = target != ignore_index
    else:
        valid = (target != 0).any(dim=1)
    return valid.flatten(1).any(dim=1)


def every_rank_has_labels(counts: Tensor) -> bool:
    """Whether every entry of ``counts`` is > 0 on every rank (one read)."""
    least = counts.detach().clone()
    if dist.is_available() and dist.is_initialized():
        dist.all_reduce(least, op=dist.ReduceOp.MIN)
    return bool((least > 0).all())


def weigh_partial(weighter: nn.Module, terms: Mapping[str, Tensor],
                  present: Mapping[str, bool],
                  last_values: Mapping[str, Tensor]) -> Tensor:
    """The total of a partial step, leaving the weighter's state untouched.

    Args:
        weighter (nn.Module): The model's weighter.
        terms (Mapping[str, Tensor]): Every loss term (scalars with graph).
        present (Mapping[str, bool]): Whether each term's task has a
            labelled sample in this batch.
        last_values (Mapping[str, Tensor]): Detached values of the terms at
            the last full step (may miss entries).

    Returns:
        Tensor: ``sum_present w_i L_i + sum_absent 0 * L_j``.
    """
    shown = {name: value if present[name] else last_values.get(
        name, torch.ones_like(value)).detach().to(value)
        for name, value in terms.items()}
    training = weighter.training
    weighter.train(False)
    try:
        _, weights = weighter(shown)
    finally:
        weighter.train(training)
    return sum((weights[name].detach() if present[name] else 0.0) * value
               for name, value in terms.items())


def term_tasks(terms: Mapping[str, Tensor],
               tasks: Mapping[str, nn.Module]) -> Dict[str, str]:
    """The task of every ``<task>.<term>`` key."""
    owners = {}
    for name in terms:
        task = name.split('.', 1)[0]
        if task not in tasks:
            raise KeyError(f'loss term {name!r} names no task of the model '
                           f'({list(tasks)}); keys are <task>.<term>')
        owners[name] = task
    return owners
