"""Hierarchical weighting: one rule within groups of losses, one across."""
import contextlib
import re
from typing import Dict, Iterator, List, Optional, Sequence, Tuple, Union

import torch
from torch import Tensor, nn

from mtlw.registry import WEIGHTERS
from .base import BaseWeighter

GroupSpec = Union[Dict[str, str], Sequence[Tuple[str, str]]]


def assign_groups(names: Sequence[str],
                  groups: Sequence[Tuple[str, re.Pattern]]
                  ) -> List[List[int]]:
    """The indices of ``names`` in each group; every name in exactly one.

    Args:
        names (Sequence[str]): Loss names.
        groups (Sequence[tuple[str, re.Pattern]]): Group names with the
            pattern their losses match (``re.search``).

    Returns:
        list[list[int]]: Per group, the indices of its losses in ``names``
        order.

    Raises:
        KeyError: If a name matches no group or several, or a group matches
            no name; the message lists them all.
    """
    matches = {name: [group for group, pattern in groups
                      if pattern.search(name)] for name in names}
    unmatched = [name for name, found in matches.items() if not found]
    doubly = {name: found for name, found in matches.items()
              if len(found) > 1}
    empty = [group for group, _ in groups
             if not any(group in found for found in matches.values())]
    if unmatched or doubly or empty:
        patterns = {g: p.pattern for g, p in groups}
        raise KeyError(
            f'HierarchicalWeighting groups {patterns} must match every loss '
            f'exactly once: unmatched {unmatched}, matched by several groups '
            f'{doubly}, groups matching no loss {empty}; losses {list(names)}')
    return [[i for i, name in enumerate(names) if matches[name] == [group]]
            for group, _ in groups]


@WEIGHTERS.register_module()
class HierarchicalWeighting(BaseWeighter):
    """Weighs losses within groups with one rule and the groups with another.

    Each loss belongs to exactly one group, chosen by a regular expression
    over its name (``re.search``). Within group ``g`` an inner weighter
    combines its losses into ``T_g`` with weights ``w_i``; the outer weighter
    combines the ``T_g`` into the total with weights ``W_g``. The reported
    weight of loss ``i`` in group ``g`` is ``W_g w_i``. For example, CoV
    over the 32 monodepth terms within the depth task and DWA across
    tasks::

        weighter = dict(
            type='HierarchicalWeighting',
            groups=dict(depth=r'^depth\\.', seg=r'^seg\\.'),
            inner=dict(type='CoVWeighting'),
            outer=dict(type='DWA'))

    The outer rule computes its statistics from each group's observed
    weighted loss ``sum_i w_i Lobs_i``: the group total itself for the
    weighted-sum rules and GLS, without the regulariser of Uncertainty
    Weighting. Under DDP those values are identical on every rank when the
    inner weights are (all rules but GLS and FAMO, whose weights depend on
    the rank's own losses).

    The children are submodules, so their state is in the state dict. They
    receive the already reduced observed losses through their ``weigh`` (no
    second all-reduce), and their step counters advance with this one. The
    inner rules must be loss-only rules. The outer rule may be
    gradient-based (GradNorm, MGDA): it then differentiates each group
    total ``T_g`` against the model's shared module, which it receives
    through :meth:`attach`; this weighs whole tasks whose losses have
    several terms, e.g. ``inner=dict(type='StaticWeighting')`` (the plain
    sum of a task's terms) with ``outer=dict(type='GradNorm')``.

    Args:
        groups (dict[str, str] | list[tuple[str, str]]): Ordered group names
            (no ``'.'``) with the pattern of their loss names.
        inner (dict): Config of the rule used within every group (one
            instance per group), or a dict mapping every group name to a
            config.
        outer (dict): Config of the rule across groups; its losses are
            named after the groups.
        nonfinite (str): See :class:`BaseWeighter`; the children's own
            setting is not used.
    """

    def __init__(self, groups: GroupSpec, inner: dict, outer: dict,
                 nonfinite: str = 'raise') -> None:
        super().__init__(nonfinite=nonfinite)
        items = list(groups.items()) if isinstance(groups, dict) \
            else [tuple(item) for item in groups]
        names = [name for name, _ in items]
        if not items or len(set(names)) != len(names) or any(
                '.' in name or not name for name in names):
            raise ValueError(
                'groups must name at least one group, with unique non-empty '
                f"names without '.', got {names}")
        self.groups = [(name, re.compile(pattern)) for name, pattern in items]
        if 'type' in inner:
            inner = {name: inner for name in names}
        elif set(inner) != set(names):
            raise KeyError(
                f'inner must be one weighter config or one per group: got '
                f'configs for {sorted(inner)}, groups {names}')
        self.inner = nn.ModuleDict(
            {name: WEIGHTERS.build(inner[name]) for name in names})
        self.outer = WEIGHTERS.build(outer)
        self.group_sizes: Optional[List[int]] = None
        gradient_based = sorted({type(child).__name__ for child in
                                 self.inner.values() if child.needs_shared})
        if gradient_based:
            raise ValueError(
                'HierarchicalWeighting takes loss-only rules within the '
                f'groups, got the gradient-based {gradient_based}; a '
                'gradient-based rule may be the outer rule (across groups)')
        self.needs_shared = self.outer.needs_shared
        self._step_terms: Dict[str, Tensor] = {}

    def _children(self) -> List[BaseWeighter]:
        return [*self.inner.values(), self.outer]

    def validate_names(self, names: List[str]) -> None:
        assign_groups(names, self.groups)

    def init_state(self, num_losses: int) -> None:
        members = assign_groups(self.loss_names, self.groups)
        for (group, _), indices in zip(self.groups, members):
            self.inner[group]._setup([self.loss_names[i] for i in indices])
        self.outer._setup([group for group, _ in self.groups])
        self.group_sizes = [len(indices) for indices in members]
        self.members = members
        order = torch.tensor([i for indices in members for i in indices],
                             device=self.step.device)
        self.register_buffer('group_order', order, persistent=False)
        self.register_buffer('group_inverse', torch.argsort(order),
                             persistent=False)

    def weigh(self, losses: Tensor, observed: Tensor) -> Tuple[Tensor, Tensor]:
        parts = losses[self.group_order].split(self.group_sizes)
        observed_parts = observed[self.group_order].split(self.group_sizes)
        totals, observed_totals, inner_weights = [], [], []
        for child, part, observed_part in zip(self.inner.values(), parts,
                                              observed_parts):
            total, weights = child.weigh(part, observed_part)
            totals.append(total)
            observed_totals.append((weights * observed_part).sum())
            inner_weights.append(weights)
        with self.outer.step_context(self._outer_terms(totals,
                                                       inner_weights)):
            total, group_weights = self.outer.weigh(
                torch.stack(totals), torch.stack(observed_totals))
        if self.training:
            for child in self._children():
                child.step += 1
        weights = torch.cat([
            group_weight * weights
            for group_weight, weights in zip(group_weights, inner_weights)
        ])
        return total, weights[self.group_inverse]

    @contextlib.contextmanager
    def step_context(self, losses: Dict[str, Tensor]) -> Iterator[None]:
        """Keep the step's separate loss terms (see :meth:`_outer_terms`)."""
        self._step_terms = losses
        try:
            yield
        finally:
            self._step_terms = {}

    def _outer_terms(self, totals: List[Tensor],
                     inner_weights: List[Tensor]) -> Dict[str, Tensor]:
        """What a gradient-based outer rule differentiates, per group.

        ``sum_i w_i L_i`` over the group's own terms as the model returned
        them, so that a backward from one group runs through that group's
        heads only (the totals are computed from the stacked losses, whose
        backward would push zeros through every head). The group totals
        themselves when the terms were not kept or an inner rule learns
        (its parameters must stay on the differentiated graph)."""
        names = [group for group, _ in self.groups]
        learns = any(True for child in self.inner.values()
                     for _ in child.parameters())
        if learns or len(self._step_terms) != len(self.loss_names):
            return dict(zip(names, totals))
        return {name: sum(weight * self._step_terms[self.loss_names[i]]
                          .reshape(()).float()
                          for weight, i in zip(weights.detach().unbind(),
                                               indices))
                for name, indices, weights in zip(names, self.members,
                                                  inner_weights)}

    def attach(self, module: nn.Module, name: Optional[str] = None) -> None:
        """Give the shared module to the outer rule (gradient-based)."""
        self.outer.attach(module, name)

    def bind_runtime(self, iters_per_epoch: Optional[int] = None,
                     grad_scaler: Optional[object] = None) -> None:
        for child in self._children():
            child.bind_runtime(iters_per_epoch=iters_per_epoch,
                               grad_scaler=grad_scaler)

    def extra_repr(self) -> str:
        groups = {name: pattern.pattern for name, pattern in self.groups}
        return f'groups={groups}, ' + super().extra_repr()
