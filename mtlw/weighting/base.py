"""The base class every loss-weighting rule derives from."""
import contextlib
import logging
from abc import ABCMeta, abstractmethod
from typing import (Dict, Iterator, List, Mapping, Optional, Sequence,
                    Tuple)

import torch
import torch.distributed as dist
from mmengine.logging import print_log
from torch import Tensor, nn

from .partial_labels import LabelPresence

NONFINITE_POLICIES = ('raise', 'skip', 'mask')


class NonFiniteLossError(FloatingPointError):
    """A loss handed to a weighter was NaN or infinite."""


class WeighterStateError(ValueError):
    """A saved weighter state does not fit the weighter it is loaded into."""


def all_reduce_mean(tensor: Tensor) -> Tensor:
    """Average ``tensor`` over all ranks (one collective); identity if single.

    Args:
        tensor (Tensor): A detached tensor, identical in shape on every rank.

    Returns:
        Tensor: The mean over ranks (a new tensor when distributed).
    """
    if not (dist.is_available() and dist.is_initialized()):
        return tensor
    world_size = dist.get_world_size()
    if world_size == 1:
        return tensor
    reduced = tensor.clone()
    dist.all_reduce(reduced)
    return reduced / world_size


def encode_names(names: Sequence[str]) -> Tensor:
    """Loss names as a uint8 tensor of their newline-joined UTF-8 bytes."""
    return torch.tensor(list('\n'.join(names).encode()), dtype=torch.uint8)


def decode_names(code: Tensor) -> List[str]:
    """Inverse of :func:`encode_names`."""
    return bytes(code.tolist()).decode().split('\n')


class BaseWeighter(nn.Module, metaclass=ABCMeta):
    """Combines named, unweighted losses into one total.

    A weighter is called at the model's loss-combining point (its
    ``parse_losses``): ``total, weights = weighter(losses)`` with ``losses`` a
    dict of scalar tensors. ``total`` keeps the graph; ``weights`` are
    detached, with the same keys. Running statistics are buffers and
    learnable values are parameters, so the whole state travels with the
    model's checkpoint. Nothing leaves the device in the weighting itself.

    The loss names are fixed at the first call (and saved in the state dict
    as the buffer ``loss_names_code``);
    a later call with other names raises a :class:`KeyError` naming them.
    The class name is saved too (``weighter_type_code``): loading a state
    saved by another weighter type or for other loss names raises a
    :class:`WeighterStateError` naming both, before anything is loaded.
    State whose size depends on the number of losses is created by
    :meth:`init_state` at the first call, or when a state dict is loaded.

    Under ``torch.distributed`` the detached losses are averaged over ranks
    once per step (``observed``), so statistics-based rules hold identical
    weights on every rank.

    Non-finite losses: the decision is taken on the rank-averaged losses,
    so every rank takes the same one. ``'skip'`` and ``'mask'`` log a
    warning naming the losses and the (1-based) iteration, and count the
    step in ``nonfinite_steps``.

    Args:
        nonfinite (str): What to do with a NaN or infinite loss.
            ``'raise'`` (default) raises :class:`NonFiniteLossError` naming
            the loss and the iteration. ``'skip'``: the step changes
            nothing; the total is a fresh zero leaf whose backward reaches
            no parameter, statistics are untouched and ``skipped_step`` is
            set, on which ``WeighterRuntimeHook`` skips the whole optimizer
            update (backward, step, AMP scaler). ``'mask'``: the non-finite
            losses are cut from the graph (detached zeros in their place)
            and the finite ones are weighed with the weights in force (the
            last step's, see :meth:`weights_in_force`), the statistics are
            left as they were. Every policy reads one boolean from the
            device per step; ``'mask'`` reads none when the losses carry no
            graph (evaluation), where it selects on the device, and
            ``'raise'`` and ``'skip'`` read none when ``defer_nonfinite``
            is set: the step is weighed on the device, ``step_ok`` tells the
            optimizer wrapper to mask the update, and ``first_nonfinite``
            keeps the first bad iteration and loss for the next read point
            (``SyncFreeRuntimeInfoHook``), where ``'raise'`` raises.
    """

    #: Whether the rule needs a shared module (see :meth:`attach`).
    needs_shared: bool = False

    def __init__(self, nonfinite: str = 'raise') -> None:
        super().__init__()
        if nonfinite not in NONFINITE_POLICIES:
            raise ValueError(f'nonfinite must be one of {NONFINITE_POLICIES}, '
                             f'got {nonfinite!r}')
        self.nonfinite = nonfinite
        self.loss_names: Optional[List[str]] = None
        self.latest_weights: Optional[Tensor] = None
        #: The runner's 1-based iteration, set before each train iteration
        #: by ``WeighterRuntimeHook``; messages use it when set.
        self.iteration: Optional[int] = None
        #: Whether the last training call was skipped (``nonfinite='skip'``).
        self.skipped_step = False
        #: Whether the last training call masked losses (``'mask'``).
        self.masked_step = False
        #: Decide ``'raise'`` and ``'skip'`` on the device (set by
        #: ``WeighterRuntimeHook`` when the optimizer can mask a step and
        #: a read point reports; see ``SyncFreeOptimWrapper``).
        self.defer_nonfinite = False
        #: Whether the optimizer may update after the last training call,
        #: a device bool, when decided on the device; else None.
        self.step_ok: Optional[Tensor] = None
        self.register_buffer('step', torch.zeros((), dtype=torch.long))
        # Training steps skipped or masked in this process (not saved).
        self.register_buffer('nonfinite_steps',
                             torch.zeros((), dtype=torch.long),
                             persistent=False)
        # The (1-based) iteration and the loss index of the first
        # non-finite loss decided on the device, -1 before (not saved).
        self.register_buffer('first_nonfinite',
                             torch.full((2, ), -1, dtype=torch.long),
                             persistent=False)
        # The loss names as UTF-8 bytes: a tensor, so that every tool that
        # handles state dicts (DDP, mmengine's broadcast) handles it too.
        self.register_buffer('loss_names_code',
                             torch.zeros(0, dtype=torch.uint8))
        # The class name, checked before a saved state is loaded.
        self.register_buffer('weighter_type_code',
                             encode_names([type(self).__name__]))
        self._names_restored = False
        # The rank-averaged losses of the last training step, shown to the
        # rule for absent losses (see weigh_frozen).
        self._last_observed: Optional[Tensor] = None

    # ------------------------------------------------------------------
    # What a rule implements
    # ------------------------------------------------------------------
    def init_state(self, num_losses: int) -> None:
        """Create the buffers whose size depends on the number of losses.

        Called once, before the first :meth:`weigh` or when a state dict is
        loaded into a fresh weighter. Use ``self.step.device`` for new buffers.

        Args:
            num_losses (int): K, the number of losses.
        """

    @abstractmethod
    def weigh(self, losses: Tensor, observed: Tensor) -> Tuple[Tensor, Tensor]:
        """Apply the rule to one step's losses.

        Update statistics only when ``self.training``; ``self.step`` holds
        the number of training steps seen before this one.

        Args:
            losses (Tensor): (K,) losses with their graph, this rank's values.
            observed (Tensor): (K,) detached losses averaged over all ranks;
                statistics must be computed from these.

        Returns:
            tuple[Tensor, Tensor]: The total (a scalar with graph) and the
            (K,) weights.
        """

    def attach(self, module: nn.Module, name: Optional[str] = None) -> None:
        """Receive the shared module of the model (gradient-based rules).

        Args:
            module (nn.Module): The module named by the model's ``shared``.
            name (str, optional): That name, for messages.
        """

    def bind_runtime(self, iters_per_epoch: Optional[int] = None,
                     grad_scaler: Optional[object] = None) -> None:
        """Receive facts known to the training loop before it starts.

        Args:
            iters_per_epoch (int, optional): Length of the train dataloader,
                the default period of epoch-based rules.
            grad_scaler (GradScaler, optional): The AMP loss scaler in use.
        """

    # ------------------------------------------------------------------
    # The call
    # ------------------------------------------------------------------
    def forward(self, losses: Dict[str, Tensor],
                present: Optional[Mapping[str, bool]] = None
                ) -> Tuple[Tensor, Dict[str, Tensor]]:
        """Combine ``losses``.

        Args:
            losses (dict[str, Tensor]): Scalar, unweighted losses by name.
            present (Mapping[str, bool], optional): Whether each loss has
                labelled samples this step (partial labels, see
                :mod:`mtlw.weighting.partial_labels`); a name it lacks is
                present. With an absent loss the step takes the frozen path
                (:meth:`weigh_frozen`).

        Returns:
            tuple[Tensor, dict[str, Tensor]]: The total with graph and the
            detached weights by name.
        """
        if isinstance(present, LabelPresence):
            return self.weigh_partial(losses, present)
        if present is not None and not all(
                present.get(name, True) for name in losses):
            return self.weigh_frozen(losses, present)
        with self.step_context(losses):
            return self._forward(losses)

    @property
    def weighs_partial_on_device(self) -> bool:
        """Whether :meth:`weigh_partial` serves partial-label steps: with
        the device-side non-finite decision on (``defer_nonfinite``), for a
        rule without learnable parameters (whose optimizer state would move
        on zero gradients), without a shared module and without draws from
        a host generator (which would move at frozen steps)."""
        return (self.defer_nonfinite and not self.needs_shared
                and not any(True for _ in self.parameters())
                and not any(getattr(rule, 'draws_on_host', False)
                            for rule in self.modules()))

    def weigh_partial(self, losses: Dict[str, Tensor],
                      presence: LabelPresence
                      ) -> Tuple[Tensor, Dict[str, Tensor]]:
        """:meth:`weigh_frozen` or a plain training step, chosen on the
        device by ``presence.full``: both are computed, the buffers and
        the last observed losses take the training step's values only when
        the step is full.

        Args:
            losses (dict[str, Tensor]): Scalar, unweighted losses by name.
            presence (LabelPresence): Per loss (in the order of
                ``losses``), whether it is present on this rank, and
                whether the step is full.

        Returns:
            tuple[Tensor, dict[str, Tensor]]: The total with graph and the
            detached weights by name.
        """
        full = presence.full
        # the first non-finite step is kept whatever the step was
        before = [(buf, buf.clone()) for name, buf in self.named_buffers()
                  if not name.endswith('first_nonfinite')]
        rules = [rule for rule in self.modules()
                 if isinstance(rule, BaseWeighter)]
        last = [rule._last_observed for rule in rules]
        frozen_total, frozen = self.weigh_frozen(
            losses, dict(zip(losses, presence.present.unbind())))
        with self.step_context(losses):
            total, weights = self._forward(losses)
        for buf, old in before:
            buf.data.copy_(torch.where(full, buf, old))
        for rule, old in zip(rules, last):
            if old is not None:
                rule._last_observed = torch.where(full, rule._last_observed,
                                                  old)
        total = torch.where(full, total, frozen_total)
        weights = {name: torch.where(full, value, frozen[name])
                   for name, value in weights.items()}
        self.latest_weights = torch.stack(list(weights.values()))
        return total, weights

    @contextlib.contextmanager
    def step_context(self, losses: Dict[str, Tensor]) -> Iterator[None]:
        """Context of one :meth:`weigh` call: what a rule keeps for the
        step and drops after it (nothing here; the losses and captured
        outputs of gradient-based rules).

        Args:
            losses (dict[str, Tensor]): The step's losses by name, in the
                order of ``loss_names``.
        """
        yield

    def _forward(self, losses: Dict[str, Tensor]
                 ) -> Tuple[Tensor, Dict[str, Tensor]]:
        names = self._check_names(losses)
        terms = [losses[name].reshape(()).float() for name in names]
        values = torch.stack(terms)
        observed = all_reduce_mean(values.detach())
        self.skipped_step = self.masked_step = False
        self.step_ok = None
        if self.nonfinite == 'mask' and not values.requires_grad:
            total, weights, counted = self._weigh_on_device(values, observed)
        elif self.defer_nonfinite and self.nonfinite in ('raise', 'skip'):
            # also the eval-mode call of a frozen (partial-label) step
            total, weights, counted = self._weigh_deferred(values, observed)
        else:
            total, weights, counted = self._weigh_checked(
                terms, values, observed, names)
        if self.training:
            self.step += counted
            self.nonfinite_steps += 1 - counted
            previous = (torch.ones_like(observed) if self._last_observed is
                        None else self._last_observed)
            self._last_observed = torch.where(torch.isfinite(observed),
                                              observed, previous)
        self.latest_weights = weights.detach()
        return total, dict(zip(names, self.latest_weights.unbind()))

    def weigh_frozen(self, losses: Dict[str, Tensor],
                     present: Mapping[str, bool]
                     ) -> Tuple[Tensor, Dict[str, Tensor]]:
        """Weigh a step in which some losses are absent, changing no state.

        The rule runs in eval mode (no statistic, counter, period or
        learnable weight changes) on the present losses and, for each
        absent one, its value at the last training step (1 before the
        first). The total is ``sum_present w_i L_i + sum_absent 0 * L_j``:
        an absent loss adds no gradient but keeps its graph, so every
        parameter DDP expects still receives a gradient.

        Args:
            losses (dict[str, Tensor]): Scalar, unweighted losses by name.
            present (Mapping[str, bool]): Whether each loss is present; a
                name it lacks is present.

        Returns:
            tuple[Tensor, dict[str, Tensor]]: The total with graph and the
            detached weights by name.
        """
        names = self._check_names(losses)
        last = self._last_observed
        shown, flags = {}, {}
        for index, name in enumerate(names):
            value = losses[name].reshape(())
            # a bool or a device flag: selected without reading it
            flags[name] = torch.as_tensor(present.get(name, True),
                                          device=value.device)
            fill = (value.new_ones(()) if last is None
                    else last[index].to(value)).detach()
            shown[name] = torch.where(flags[name], value, fill)
        training = self.training
        self.train(False)
        try:
            _, weights = self(shown)
        finally:
            self.train(training)
        total = sum(torch.where(flags[name], weights[name].to(losses[name]),
                                0.0) * losses[name].reshape(())
                    for name in names)
        return total, weights

    def _check_names(self, losses: Dict[str, Tensor]) -> List[str]:
        if not losses:
            raise ValueError(f'{type(self).__name__} got no losses')
        names = list(losses)
        if self.loss_names is None:
            self._setup(names)
        elif names != self.loss_names:
            if set(names) == set(self.loss_names):
                return self.loss_names
            origin = ('restored from a checkpoint'
                      if self._names_restored else 'set up')
            raise KeyError(
                f'{type(self).__name__} was {origin} for the losses '
                f'{self.loss_names} but got {names}: missing '
                f'{sorted(set(self.loss_names) - set(names))}, new '
                f'{sorted(set(names) - set(self.loss_names))}. The loss keys '
                'must stay the same between steps and across a resume '
                '(load_from starts the weighter fresh).')
        return names

    def _setup(self, names: Sequence[str]) -> None:
        self.validate_names(list(names))
        self.loss_names = list(names)
        self.loss_names_code = encode_names(names).to(self.step.device)
        self.init_state(len(names))

    def validate_names(self, names: List[str]) -> None:
        """Reject loss names the configuration cannot handle.

        Args:
            names (list[str]): The loss names of the first call.
        """

    def _weigh_checked(self, terms: List[Tensor], values: Tensor,
                       observed: Tensor, names: List[str]
                       ) -> Tuple[Tensor, Tensor, int]:
        """Weigh after one host read of finiteness; the last item is 1 if
        the step counts, 0 if it was skipped or masked."""
        finite = torch.isfinite(observed)
        if bool(finite.all()):
            return (*self.weigh(values, observed), 1)
        flags = finite.tolist()
        bad = [name for name, ok in zip(names, flags) if not ok]
        message = (f'non-finite loss {bad} at iteration {self._iteration()} '
                   f'given to {type(self).__name__}')
        if self.nonfinite == 'raise':
            raise NonFiniteLossError(
                message + "; set nonfinite='skip' (or 'mask') on the weighter "
                'to skip such steps (or drop such losses) instead')
        in_force = self.weights_in_force(values, observed, finite)
        # A step without any finite loss has nothing to mask: skip it.
        skip = self.nonfinite == 'skip' or not any(flags)
        if self.training:
            self.skipped_step, self.masked_step = skip, not skip
            message += (f'; {int(self.nonfinite_steps) + 1} non-finite '
                        'step(s) so far')
        if skip:
            print_log(message + '; the step is skipped (no optimizer update)',
                      logger='current', level=logging.WARNING)
            total = values.new_zeros((), requires_grad=values.requires_grad)
            return total, in_force, 0
        print_log(message + '; these losses are left out of this step',
                  logger='current', level=logging.WARNING)
        cut = torch.stack([term if ok else term.detach().new_zeros(())
                           for term, ok in zip(terms, flags)])
        weights = torch.where(finite, in_force, torch.zeros_like(in_force))
        return (weights * cut).sum(), weights, 0

    def _weigh_deferred(self, values: Tensor, observed: Tensor
                        ) -> Tuple[Tensor, Tensor, Tensor]:
        """``'raise'`` and ``'skip'`` without a host read: the step is
        weighed as ``'mask'`` does on the device and ``step_ok`` tells the
        optimizer wrapper whether to update. The first non-finite
        iteration and loss are kept in ``first_nonfinite`` for the next
        read point; under ``'raise'`` no later step updates or counts."""
        finite = torch.isfinite(observed)
        ok = finite.all()
        if self.nonfinite == 'raise':
            ok = ok & (self.first_nonfinite[0] < 0)
        total, weights, counted = self._weigh_on_device(values, observed, ok)
        first_bad = torch.stack([
            self.first_nonfinite.new_tensor(self.iteration or 0),
            torch.argmin(finite.long())])
        fresh = (self.first_nonfinite[0] < 0) & ~finite.all()
        self.first_nonfinite.copy_(
            torch.where(fresh, first_bad, self.first_nonfinite))
        self.step_ok = ok
        return total, weights, counted

    def _weigh_on_device(self, values: Tensor, observed: Tensor,
                         ok: Optional[Tensor] = None
                         ) -> Tuple[Tensor, Tensor, Tensor]:
        """``'mask'`` without a graph: both outcomes computed and selected
        on the device; a step with a non-finite loss (or ``ok`` false)
        leaves every buffer as it was and does not count."""
        finite = torch.isfinite(observed)
        all_finite = finite.all() if ok is None else ok
        values = torch.where(finite, values, torch.zeros_like(values))
        observed = torch.where(finite, observed, torch.zeros_like(observed))
        before = [(buf, buf.clone()) for buf in self.buffers()]
        total, weights = self.weigh(values, observed)
        for buf, old in before:
            # Through .data: a buffer the graph uses directly (it was then
            # not changed) must keep its autograd version.
            buf.data.copy_(torch.where(all_finite, buf, old))
        in_force = weights if self.latest_weights is None \
            else self.latest_weights.to(weights)
        masked = torch.where(finite, in_force, torch.zeros_like(in_force))
        total = torch.where(all_finite, total, (masked * values).sum())
        weights = torch.where(all_finite, weights, masked)
        return total, weights, all_finite.long()

    def weights_in_force(self, values: Tensor, observed: Tensor,
                         finite: Tensor) -> Tensor:
        """The weights a step with non-finite losses uses for the others.

        The weights of the last call; before the first one, the rule's
        current weights (evaluated without grad and in eval mode, with the
        non-finite losses replaced by 0, leaving every buffer as it was).

        Args:
            values (Tensor): (K,) this rank's losses.
            observed (Tensor): (K,) rank-averaged losses.
            finite (Tensor): (K,) whether each observed loss is finite.

        Returns:
            Tensor: (K,) detached weights.
        """
        if self.latest_weights is not None:
            return self.latest_weights.to(observed)
        zeros = torch.zeros_like(observed)
        before = [(buf, buf.clone()) for buf in self.buffers()]
        training = self.training
        try:
            self.train(False)
            with torch.no_grad():
                _, weights = self.weigh(
                    torch.where(finite, values.detach(), zeros),
                    torch.where(finite, observed, zeros))
        finally:
            self.train(training)
            for buf, old in before:
                buf.data.copy_(old)
        return weights.detach().to(observed)

    def _iteration(self) -> int:
        """The 1-based iteration for messages: the runner's if known, else
        this weighter's training steps counted so far plus one."""
        if self.iteration is not None:
            return self.iteration
        return int(self.step) + int(self.nonfinite_steps) + 1

    # ------------------------------------------------------------------
    # State
    # ------------------------------------------------------------------
    def _load_from_state_dict(self, state_dict, prefix, local_metadata,
                              strict, missing_keys, *args, **kwargs):
        """Check the saved type and loss names before loading anything.

        Raises:
            WeighterStateError: If the state was saved by another weighter
                type or for other loss names; both are named.
        """
        self._check_saved_type(state_dict, prefix)
        code = state_dict.get(prefix + 'loss_names_code')
        if code is not None and code.numel() > 0:
            self._restore_names(decode_names(code), prefix)
        super()._load_from_state_dict(state_dict, prefix, local_metadata,
                                      strict, missing_keys, *args, **kwargs)
        type_key = prefix + 'weighter_type_code'
        if type_key not in state_dict and type_key in missing_keys:
            missing_keys.remove(type_key)  # saved before the type was

    def _check_saved_type(self, state_dict, prefix: str) -> None:
        code = state_dict.get(prefix + 'weighter_type_code')
        saved = None if code is None else decode_names(code)[0]
        if saved is not None and saved != type(self).__name__:
            raise WeighterStateError(
                f'the weighter state {prefix!r} was saved by {saved}, but '
                f'this model\'s weighter is {type(self).__name__}: resume '
                f'with weighter type {saved}, or fine-tune with load_from '
                '(the weighter starts fresh)')

    def _restore_names(self, names: List[str], prefix: str) -> None:
        if self.loss_names is not None and names != self.loss_names:
            raise WeighterStateError(
                f'the weighter state {prefix!r} of {type(self).__name__} is '
                f'for the losses {names}, this weighter for '
                f'{self.loss_names}')
        if self.loss_names is None:
            try:
                self._setup(names)
            except ValueError as err:
                raise WeighterStateError(
                    f'the weighter state {prefix!r} of '
                    f'{type(self).__name__} is for the losses {names}, '
                    f'which this weighter refuses: {err}') from err
            self._names_restored = True

    def extra_repr(self) -> str:
        return f'nonfinite={self.nonfinite!r}'
