"""The generated configs of the architecture families (MTAN, NDDR-CNN):
the rule weighs the tasks, gradient rules work in params mode on the
shared encoder, and every weighter takes the twins' loss terms."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from mtlw.registry import WEIGHTERS

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(
    glob.glob(osp.join(ROOT, 'configs', 'mtan', 'synthscenes_*.py')) +
    glob.glob(osp.join(ROOT, 'configs', 'nddr', 'synthscenes_*.py')))
# The loss terms of the SynthScenes 3-task benchmark.
TERMS = ('depth.loss_log_l1', 'depth.loss_range_min', 'depth.loss_range_max',
         'normal.loss_cos', 'normal.loss_unit', 'seg.loss_ce',
         'seg.loss_range')


def name(path: str) -> str:
    return osp.relpath(path, osp.join(ROOT, 'configs'))


def test_both_families_have_their_grid():
    names = {name(path) for path in CONFIGS}
    assert len(names) == 3 * 12
    assert {'mtan/synthscenes_segnet_mgda.py',
            'mtan/synthscenes_resnet_cov.py',
            'nddr/synthscenes_resnet_equal.py'} <= names


@pytest.mark.parametrize('path', CONFIGS, ids=name)
def test_the_rule_weighs_the_tasks_in_params_mode(path):
    cfg = Config.fromfile(path)
    weighter = cfg.model.weighter
    assert weighter.type == 'HierarchicalWeighting'
    assert set(weighter.groups) == {'depth', 'normal', 'seg'}
    if weighter.outer.type == 'MGDA':  # representation mode by default
        assert weighter.outer.mode == 'params'
    assert cfg.model.shared == 'backbone'
    built = WEIGHTERS.build(weighter).eval()
    total, weights = built({key: torch.tensor(1.0 + index)
                            for index, key in enumerate(TERMS)})
    assert torch.isfinite(total) and list(weights) == list(TERMS)
