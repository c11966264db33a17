"""Every gradient rule of ``configs/_base_/weighters/`` (and STCH) trains
the SynthScenes multi-task twins (``tools/train.py --weighter NAME``): two
training steps of the LSB multi-decoder net (3 tasks) and of the DeepLabV3+
branched net (whose config gives num_losses to the rules that learn one
value per loss), with the rule across the tasks, in both gradient modes."""
import glob
import os.path as osp

import pytest
import torch

from mtlw.engine.launch import load_config
from mtlw.registry import WEIGHTERS
from mtlw.utils import build_training
from mtlw.weighting import GradientWeighter
from tests._fixtures.dist import ROOT

#: The bases of the rules across tasks (not the single-task settings).
SINGLE_TASK = ('encnet_handtuned', 'encnet_handtuned_mmseg', 'encnet_aux_only',
               'encnet_se_only', 'monodepth_handtuned', 'monodepth_l1_only',
               'monodepth_ssim_only', 'monodepth_lr_only',
               'monodepth_disp_only')
BASES = sorted(
    osp.splitext(osp.basename(path))[0] for path in glob.glob(
        osp.join(ROOT, 'configs', '_base_', 'weighters', '*.py'))
    if osp.splitext(osp.basename(path))[0] not in SINGLE_TASK)
TWINS = ('pixelwise/synthscenes_multidec_equal.py',
         'deeplab/synthscenes_branched_uncertainty.py')


def rule_modes(name):
    """The gradient modes of a base's rule, [None] for the loss-only."""
    cfg = load_config(osp.join(ROOT, 'configs', TWINS[0]), 'none', None,
                      None, name)
    rule = cfg.model.weighter.outer
    if issubclass(WEIGHTERS.get(rule['type']), GradientWeighter):
        return ['params', 'representation']
    return [None]


# the loss-only rules train these twins in their generated grid configs
CASES = [(name, twin, mode) for name in BASES for twin in TWINS
         for mode in rule_modes(name) if mode or name == 'stch']


@pytest.mark.slow
@pytest.mark.parametrize('name, twin, mode', CASES)
def test_weighter_base_trains_the_multitask_twins(name, twin, mode):
    options = {'model.weighter.mode': mode} if mode else None
    cfg = load_config(osp.join(ROOT, 'configs', twin), 'none', None, None,
                      name)
    if options:
        rule = (cfg.model.weighter.outer if 'outer' in cfg.model.weighter
                else cfg.model.weighter)
        rule.mode = mode
    torch.manual_seed(0)
    model, optim_wrapper, batch = build_training(cfg, batch_size=3)
    model.weighter.bind_runtime(iters_per_epoch=1)  # as the runner does
    before = [p.detach().clone() for p in model.backbone.parameters()]
    for _ in range(2):
        log_vars = model.train_step(batch, optim_wrapper)
    assert torch.isfinite(log_vars['loss'])
    assert torch.isfinite(model.weighter.latest_weights).all()
    moved = any(not torch.equal(p, q) for p, q in
                zip(before, model.backbone.parameters()))
    assert moved, 'the shared encoder must be trained'
