"""Carries the random states across a resume."""
import logging
import random
from functools import partial
from typing import Optional

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.logging import print_log

from mtlw.registry import HOOKS

RNG_KEY = 'rng_states'


def get_rng_states() -> dict:
    """This process's python, numpy, torch CPU and CUDA random states.

    Returns:
        dict: Plain types and tensors only (loadable with
        ``weights_only=True``); ``'cuda'`` only when CUDA is available.
    """
    name, keys, pos, has_gauss, gauss = np.random.get_state()
    states = dict(
        python=random.getstate(),
        numpy=(name, torch.from_numpy(keys.astype(np.int64)), int(pos),
               int(has_gauss), float(gauss)),
        torch=torch.get_rng_state())
    if torch.cuda.is_available():
        states['cuda'] = torch.cuda.get_rng_state()
    return states


def set_rng_states(states: dict) -> None:
    """Restore what :func:`get_rng_states` returned.

    Args:
        states (dict): Saved states; tensors may be on any device.
    """
    version, internal, gauss = states['python']
    random.setstate((version, tuple(internal), gauss))
    name, keys, *rest = states['numpy']
    np.random.set_state((name, keys.cpu().numpy().astype(np.uint32), *rest))
    torch.set_rng_state(states['torch'].cpu())
    if 'cuda' in states and torch.cuda.is_available():
        torch.cuda.set_rng_state(states['cuda'].cpu())


class _RestoreAfterSkip:
    """Wraps a train loop's data iterator: after ``skip`` batches (those
    mmengine's iteration-based loop fetches again on resume), restore the
    random states, then hand the loop its own iterator back."""

    def __init__(self, loop, skip: int, states: dict) -> None:
        self.loop, self.inner = loop, loop.dataloader_iterator
        self.skip, self.states = skip, states

    def __iter__(self):
        return self

    def __next__(self):
        if self.skip == 0:
            set_rng_states(self.states)
            self.loop.dataloader_iterator = self.inner
        self.skip -= 1
        return next(self.inner)


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Makes a resumed run draw the random numbers of an uninterrupted one.

    Each checkpoint gets the key ``rng_states``: the python, numpy, torch CPU
    and CUDA states of the saving process (rank 0) at the end of the saved
    iteration. On resume they are restored just before the first new batch
    is fetched, after the batches mmengine re-reads to advance the sampler,
    and the train dataloader takes the checkpoint's seed (sampler order,
    worker seeds) when it was derived from a different runner seed, which
    happens with ``randomness.seed=None``. Validation draws nothing from the
    training stream: its states are saved before and restored after it.
    Weighter generators (RLW) travel in the model's state dict.
    """

    priority = 'NORMAL'

    def __init__(self) -> None:
        self._pending: Optional[dict] = None
        self._before_val: Optional[dict] = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Store the training stream's states in ``checkpoint``."""
        checkpoint[RNG_KEY] = self._before_val or get_rng_states()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """On resume, keep the saved states and adopt the saved seed."""
        if not runner._resume:
            return
        self._pending = checkpoint.get(RNG_KEY)
        randomness = runner.cfg.get('randomness') or {}
        if runner.world_size > 1 and randomness.get('diff_rank_seed'):
            self._pending = None  # one rank's states must not become all's
            print_log(
                'diff_rank_seed=True: the random states of the ranks are not '
                'restored on resume (the checkpoint holds only rank 0\'s)',
                logger='current', level=logging.WARNING)
        elif self._pending is None:
            print_log(
                'the resumed checkpoint holds no random states (it was '
                'written without RNGStateHook): random draws from here on '
                'differ from an uninterrupted run', logger='current',
                level=logging.WARNING)
        seed = checkpoint.get('meta', {}).get('seed')
        if seed is not None and seed != runner.seed:
            adopt_loader_seed(runner, seed)

    def before_train(self, runner) -> None:
        """Restore the states now, or after the batches to be skipped."""
        if self._pending is None:
            return
        loop = runner.train_loop
        if hasattr(loop, 'dataloader_iterator') and loop.iter > 0:
            loop.dataloader_iterator = _RestoreAfterSkip(
                loop, loop.iter, self._pending)
        else:
            set_rng_states(self._pending)
        self._pending = None

    def before_val(self, runner) -> None:
        """Save the training stream's states."""
        self._before_val = get_rng_states()

    def after_val(self, runner) -> None:
        """Give the training stream its states back."""
        if self._before_val is not None:
            set_rng_states(self._before_val)
        self._before_val = None


def adopt_loader_seed(runner, seed: int) -> None:
    """Give the built train dataloader the seed of the resumed run.

    The sampler and the worker init function took the runner's seed when
    the dataloader was built, before the checkpoint was read. Only values
    equal to the runner's seed are replaced (not ``diff_rank_seed`` ones);
    an ``InfiniteSampler`` restarts its index stream and an
    iteration-based loop gets a fresh iterator over the loader.

    Args:
        runner (Runner): The resuming runner, before its own seed changes.
        seed (int): The seed stored in the checkpoint's ``meta``.
    """
    loop = runner.train_loop
    loader = loop.dataloader
    sampler = getattr(loader.batch_sampler, 'sampler', loader.sampler)
    changed = False
    if getattr(sampler, 'seed', None) == runner.seed:
        sampler.seed, changed = seed, True
        if hasattr(sampler, '_indices_of_rank'):  # InfiniteSampler
            sampler.indices = sampler._indices_of_rank()
    init_fn = loader.worker_init_fn
    if isinstance(init_fn, partial) and init_fn.keywords.get(
            'seed') == runner.seed:
        init_fn.keywords['seed'], changed = seed, True
    if changed and hasattr(loop, 'dataloader_iterator'):
        loop.dataloader_iterator = type(loop.dataloader_iterator)(loader)
