"""Weak supervision: steps in which some losses have no labelled sample.

The rule (Jiao et al., "Look Deeper into Depth", ECCV 2018, section 8),
applied by :class:`~mtlw.weighting.WeightedLossMixin` to every model that
reports, next to its loss terms ``<task>.<term>``, the number of labelled
samples of each task as the log value ``<task>.labelled``:

1. A sample without a task's label carries an all-invalid map for it (see
   :class:`~mtlw.datasets.transforms.FillMissingLabels`). The model's losses
   average over valid pixels only, so that sample adds nothing to the
   task's loss and its branch gets no gradient from it.
2. A task with no labelled sample in the batch still returns its loss terms
   under their keys (0 with graph), so the key set stays fixed.
3. A step is *full* when every task has a labelled sample on every rank
   (one all-reduce per step, and one read unless the weighter decides on
   the device, see :meth:`~mtlw.weighting.BaseWeighter.weigh_partial`).
   Full steps go through the weighter as usual. At a *partial* step a term
   counts as present on a rank when its task has a labelled sample there,
   and the weighter's statistics are
   frozen (:meth:`~mtlw.weighting.BaseWeighter.forward` with ``present=``):
   no statistic, counter, period or learnable weight changes, an absent
   term is shown to the rule at its value of the last full step (1 before
   the first), and the total is ``sum_present w_i L_i`` plus ``0 * L_j``
   for each absent term, which keeps the graph whole for DDP. Statistics
   thus only ever see real losses.
"""
from typing import Dict, Mapping, NamedTuple, Optional, Tuple

import torch
import torch.distributed as dist
from torch import Tensor

#: Suffix of the log value holding the number of labelled samples of a task.
LABELLED = 'labelled'


class LabelPresence(NamedTuple):
    """Which loss terms have labelled samples this step, on the device."""

    #: (K,) bool, whether each term's task has a labelled sample on this
    #: rank (in the order of the terms).
    present: Tensor
    #: bool scalar, whether every task has a labelled sample on every rank.
    full: Tensor


def label_presence(terms: Mapping[str, Tensor],
                   others: Mapping[str, Tensor]) -> Optional[LabelPresence]:
    """:func:`present_terms` as device tensors, without a host read.

    Args:
        terms (Mapping[str, Tensor]): The loss terms, keyed
            ``<task>.<term>``.
        others (Mapping[str, Tensor]): The other log values; the counts
            ``<task>.labelled`` among them.

    Returns:
        LabelPresence or None: None when the model reports no counts.

    Raises:
        KeyError: If a term names a task without a count.
    """
    counted = _task_counts(terms, others)
    if counted is None:
        return None
    counts, least, index = counted
    return LabelPresence(present=(counts > 0)[index], full=(least > 0).all())


def present_terms(terms: Mapping[str, Tensor],
                  others: Mapping[str, Tensor]) -> Optional[Dict[str, bool]]:
    """Which loss terms have labelled samples this step, on every rank.

    Args:
        terms (Mapping[str, Tensor]): The loss terms, keyed
            ``<task>.<term>``.
        others (Mapping[str, Tensor]): The other log values; the counts
            ``<task>.labelled`` among them.

    Returns:
        dict[str, bool] or None: None when the model reports no counts or
        every task has a labelled sample on every rank (a full step); else
        whether each term's task has one on this rank.

    Raises:
        KeyError: If a term names a task without a count.
    """
    presence = label_presence(terms, others)
    if presence is None:
        return None
    flags = torch.cat([presence.full.reshape(1),
                       presence.present]).tolist()  # one read
    if flags[0]:
        return None
    return dict(zip(terms, map(bool, flags[1:])))


def _task_counts(terms: Mapping[str, Tensor], others: Mapping[str, Tensor]
                 ) -> Optional[Tuple[Tensor, Tensor, Tensor]]:
    """The (T,) labelled-sample counts of the tasks on this rank, their
    minimum over ranks, and the task index of each term; None without
    counts."""
    suffix = '.' + LABELLED
    tasks = [name[:-len(suffix)] for name in others if name.endswith(suffix)]
    if not tasks:
        return None
    counts = torch.stack([others[task + suffix].detach().float()
                          for task in tasks])
    least = counts.clone()
    if dist.is_available() and dist.is_initialized():
        dist.all_reduce(least, op=dist.ReduceOp.MIN)
    index = []
    for name in terms:
        task = name.split('.', 1)[0]
        if task not in tasks:
            raise KeyError(
                f'loss term {name!r} names no task with a labelled-sample '
                f'count ({[t + suffix for t in tasks]}); keys are '
                '<task>.<term>')
        index.append(tasks.index(task))
    return counts, least, torch.tensor(index, device=counts.device)
