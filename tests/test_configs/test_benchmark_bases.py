"""The benchmark bases build their datasets on fake layouts, pack every
task's ground truth, and their evaluators score perfect predictions as
perfect."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.structures import PixelData

from mtlw.registry import DATASETS, METRICS
from mtlw.structures import default_kind, task_fields
from tests._fixtures.benchmark_fixtures import (write_cityscapes_mtan,
                                                write_nyud_mt, write_pascal_mt)
from tests._fixtures.pixelwise_fixtures import write_nyuv2

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def write_pascal(root):
    head = np.zeros((10, 12), bool)
    head[:4, :4] = True
    write_pascal_mt(root, ids=('a', 'b'), persons=[dict(head=head)])


WRITERS = dict(
    nyuv2_3task=lambda root: write_nyuv2(root, 'val', count=2),
    cityscapes_2task=lambda root: write_cityscapes_mtan(root, 'val'),
    nyud_4task=write_nyud_mt,
    pcontext_5task=write_pascal)
PERFECT = dict(
    nyuv2_3task={'seg/mIoU': 100, 'depth/abs_err': 0, 'depth/rel_err': 0,
                 'normal/angle_mean': 0, 'normal/within_11.25': 100},
    cityscapes_2task={'seg/mIoU': 100, 'seg/aAcc': 100,
                      'depth/abs_err': 0},
    nyud_4task={'seg/mIoU': 100, 'depth/rmse': 0, 'normal/angle_mean': 0,
                'edge/odsP': 100},
    pcontext_5task={'seg/mIoU': 100, 'parts/mIoU': 100, 'sal/maxF': 100,
                    'normal/angle_mean': 0, 'edge/odsF': 100})


def perfect_prediction(data_sample, name, task):
    """Write the prediction a perfect model would give for ``task``."""
    kind = task.get('kind') or default_kind(name)
    gt_field, pred_field = task_fields(name, kind)
    gt = data_sample.get(gt_field).data.float()
    if kind == 'seg':
        data_sample.set_data({pred_field: PixelData(data=gt.long())})
    elif name == 'depth':
        data_sample.set_data({pred_field: PixelData(
            data=torch.where(gt > 0, gt, torch.ones_like(gt)))})
    elif task['channels'] > 1 and name != 'normal':  # label logits
        logits = torch.nn.functional.one_hot(
            gt[0].long().clamp(max=task['channels'] - 1),
            task['channels']).permute(2, 0, 1).float()
        data_sample.set_data({pred_field: PixelData(data=logits)})
    elif name in ('sal', 'edge'):  # logits of a binary map
        data_sample.set_data({pred_field: PixelData(
            data=torch.where(gt > 0.5, 10.0, -10.0))})
    else:
        data_sample.set_data({pred_field: PixelData(data=gt)})


@pytest.mark.parametrize('benchmark', sorted(WRITERS))
def test_base_builds_packs_and_scores(benchmark, tmp_path):
    cfg = Config.fromfile(osp.join(ROOT, 'configs', '_base_', 'benchmarks',
                                   f'{benchmark}.py'))
    WRITERS[benchmark](str(tmp_path))
    dataset_cfg = cfg.test_dataloader.dataset
    dataset_cfg.data_root = str(tmp_path)
    with DefaultScope.overwrite_default_scope('mmseg'):
        dataset = DATASETS.build(dataset_cfg)
        evaluator = METRICS.build(cfg.test_evaluator)
    evaluator.dataset_meta = dataset.metainfo
    samples = [dataset[index]['data_samples']
               for index in range(len(dataset))]
    for data_sample in samples:
        for name, task in cfg.tasks.items():
            perfect_prediction(data_sample, name, task)
    evaluator.process({}, [item.to_dict() for item in samples])
    result = evaluator.evaluate(len(samples))
    for key, value in PERFECT[benchmark].items():
        assert result[key] == pytest.approx(value, abs=0.03), key
    # Delta_m's metrics are reported and every one has a known direction
    keys = [key for keys in cfg.delta_m_metrics.values() for key in keys]
    assert set(keys) <= set(result)
    assert set(cfg.delta_m_metrics) == set(cfg.tasks)


@pytest.mark.parametrize('benchmark', sorted(WRITERS))
def test_handtuned_weights_name_the_tasks_losses(benchmark):
    cfg = Config.fromfile(osp.join(ROOT, 'configs', '_base_', 'benchmarks',
                                   f'{benchmark}.py'))
    weights = cfg.get('handtuned_weights')
    if weights is None:
        pytest.skip('LibMTL protocol: equal weights')
    assert {key.split('.')[0] for key in weights} == set(cfg.tasks)
