"""Two training steps of a SynthScenes twin on tiny images."""
import os.path as osp
from typing import Optional

import torch
from mmengine.config import Config

from mtlw.utils.benchmark import build_training

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def two_steps(config: str, weighter: Optional[dict]) -> None:
    """Build ``configs/<config>`` (with ``weighter`` if given) on 32 x 64
    images, train two steps and check that every loss term was weighted
    with a finite weight and that the shared backbone moved."""
    cfg = Config.fromfile(osp.join(ROOT, 'configs', config))
    cfg.train_dataloader.dataset.img_size = (32, 64)
    model, optim_wrapper, batch = build_training(cfg, 2, weighter)
    before = [p.detach().clone() for p in model.backbone.parameters()]
    for _ in range(2):
        log_vars = model.train_step(batch, optim_wrapper)
    terms = [key for key in log_vars if '.loss_' in key]
    weights = model.weighter.latest_weights
    assert weights is not None and weights.shape == (len(terms), )
    assert torch.isfinite(weights).all()
    assert all(torch.isfinite(log_vars[key]) for key in terms)
    assert any(not torch.equal(old, new.detach()) for old, new in
               zip(before, model.backbone.parameters()))
