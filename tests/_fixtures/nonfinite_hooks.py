"""Hooks that poison a training batch and record the parameters, for the
tests of non-finite losses."""
import os.path as osp
from typing import Optional, Sequence

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mtlw.registry import HOOKS


@HOOKS.register_module(force=True)
class PoisonBatchHook(Hook):
    """Sets ``target_b`` of the batch to NaN at the given 1-based
    iterations, on one rank only if ``rank`` is given."""

    priority = 'HIGHEST'

    def __init__(self, iters: Sequence[int], rank: Optional[int] = None,
                 key: str = 'target_b') -> None:
        self.iters = set(iters)
        self.rank = rank
        self.key = key

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        if runner.iter + 1 in self.iters and self.rank in (None, runner.rank):
            data_batch[self.key].fill_(float('nan'))


@HOOKS.register_module(force=True)
class RecordParametersHook(Hook):
    """Saves every rank's parameters after each train iteration as
    ``params_rank<r>.pth`` (a list, one state per iteration)."""

    def before_train(self, runner) -> None:
        self.states = []

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) \
            else runner.model
        self.states.append({name: param.detach().clone()
                            for name, param in model.named_parameters()})

    def after_train(self, runner) -> None:
        torch.save(self.states, osp.join(runner.work_dir,
                                         f'params_rank{runner.rank}.pth'))
