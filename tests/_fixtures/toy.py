"""A tiny two-loss model and dataset for runner-level tests."""
import os.path as osp
import uuid

import torch
from mmengine.dataset import BaseDataset
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from torch import nn

from mtlw.registry import DATASETS, HOOKS, MODELS
from mtlw.weighting import WeightedLossMixin, get_weighter


@MODELS.register_module(force=True)
class ToyTwoLossModel(WeightedLossMixin, BaseModel):
    """y = trunk(x); two heads regress two targets, plus one logged value."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.trunk = nn.Linear(4, 8)
        self.head_a = nn.Linear(8, 1)
        self.head_b = nn.Linear(8, 1)

    def forward(self, inputs, target_a, target_b, mode='loss', **meta):
        feats = torch.relu(self.trunk(inputs))
        pred_a, pred_b = self.head_a(feats), self.head_b(feats)
        if mode != 'loss':
            return [dict(pred_a=a, pred_b=b) for a, b in zip(pred_a, pred_b)]
        target_a, target_b = target_a.view_as(pred_a), target_b.view_as(pred_b)
        return {
            'a.loss_l2': ((pred_a - target_a)**2).mean(),
            'b.loss_l1': (pred_b - target_b).abs().mean() * 10,
            'a.err': (pred_a - target_a).abs().mean(),
        }


@DATASETS.register_module(force=True)
class ToyRegressionDataset(BaseDataset):
    """Deterministic random inputs with two linear targets."""

    def __init__(self, num_samples: int = 32, **kwargs) -> None:
        self.num_samples = num_samples
        super().__init__(serialize_data=False, lazy_init=False, **kwargs)

    def load_data_list(self):
        gen = torch.Generator().manual_seed(0)
        x = torch.randn(self.num_samples, 4, generator=gen)
        return [
            dict(inputs=row, target_a=row.sum().view(1),
                 target_b=(row[0] - row[1]).view(1)) for row in x
        ]


def toy_runner_cfg(work_dir: str, max_iters: int, weighter: dict,
                   **overrides) -> dict:
    """A complete runner config for the toy model."""
    cfg = dict(
        model=dict(type='ToyTwoLossModel', weighter=weighter),
        work_dir=work_dir,
        train_dataloader=dict(
            dataset=dict(type='ToyRegressionDataset'),
            sampler=dict(type='InfiniteSampler', shuffle=True),
            collate_fn=dict(type='default_collate'),
            batch_size=4, num_workers=0),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.05,
                                          momentum=0.9)),
        train_cfg=dict(by_epoch=False, max_iters=max_iters),
        default_hooks=dict(
            logger=dict(type='LoggerHook', interval=2),
            checkpoint=dict(type='CheckpointHook', interval=2,
                            by_epoch=False)),
        custom_hooks=[dict(type='WeighterRuntimeHook'),
                      dict(type='WeightLoggerHook'),
                      dict(type='WeighterCheckpointHook'),
                      dict(type='RNGStateHook')],
        log_processor=dict(
            by_epoch=False,
            mean_pattern=r'^(?!weight/).*(loss|time|data_time|grad_norm).*'),
        randomness=dict(seed=0),
        default_scope='mmseg',
        # a fresh name per runner: mmengine reuses visualizers by name
        experiment_name=f'toy_{uuid.uuid4().hex[:8]}',
    )
    cfg.update(overrides)
    return cfg


@HOOKS.register_module(force=True)
class DumpWeighterStateHook(Hook):
    """Saves each rank's weighter state as ``weighter_rank<r>.pth``."""

    def after_train(self, runner) -> None:
        state = get_weighter(runner.model).state_dict()
        torch.save(state, osp.join(runner.work_dir,
                                   f'weighter_rank{runner.rank}.pth'))
