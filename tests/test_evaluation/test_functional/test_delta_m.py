"""Delta_m in both conventions, metric directions, no silent baseline."""
import json

import pytest

from mtlw.evaluation.functional.delta_m import (delta_m, load_baseline,
                                                lower_is_better)

RESULTS = {'depth/rmse': 0.5, 'depth/delta1': 0.9, 'seg/mIoU': 30.0}
BASELINE = {'depth/rmse': 0.4, 'depth/delta1': 0.8, 'seg/mIoU': 40.0}


def test_directions():
    assert lower_is_better('depth/rmse')
    assert lower_is_better('normal/angle_mean')
    assert lower_is_better('edge2d/error')
    assert not lower_is_better('depth/delta1')
    assert not lower_is_better('normal/within_30')
    assert not lower_is_better('seg/mIoU')
    with pytest.raises(KeyError, match="unknown direction of the metric "
                       "'seg/fancy'"):
        lower_is_better('seg/fancy')


def test_one_metric_per_task():
    # depth: rmse worse by 25% -> -25; seg: mIoU worse by 25% -> -25
    value = delta_m(RESULTS, BASELINE, dict(depth=['depth/rmse'],
                                            seg=['seg/mIoU']),
                    convention='one_per_task')
    assert value == pytest.approx(-25.0)


def test_task_mean_averages_within_each_task_first():
    # depth: (-25 + 12.5) / 2 = -6.25; seg: -25; mean over tasks -15.625
    value = delta_m(RESULTS, BASELINE,
                    dict(depth=['depth/rmse', 'depth/delta1'],
                         seg=['seg/mIoU']), convention='task_mean')
    assert value == pytest.approx(-15.625)
    # an explicit direction overrides the names
    flipped = delta_m(RESULTS, BASELINE, dict(seg=['seg/mIoU']),
                      lower=['seg/mIoU'])
    assert flipped == pytest.approx(25.0)


def test_bad_requests_fail_clearly(tmp_path):
    with pytest.raises(ValueError, match='exactly one metric per task'):
        delta_m(RESULTS, BASELINE, dict(depth=['depth/rmse', 'depth/delta1']),
                convention='one_per_task')
    with pytest.raises(KeyError, match="baseline have no 'seg/aAcc'"):
        delta_m(dict(RESULTS, **{'seg/aAcc': 1.0}), BASELINE,
                dict(seg=['seg/aAcc']))
    with pytest.raises(ValueError, match='convention must be one of'):
        delta_m(RESULTS, BASELINE, dict(seg=['seg/mIoU']), convention='x')
    with pytest.raises(FileNotFoundError, match='baseline file'):
        load_baseline(str(tmp_path / 'none.json'))
    bad = tmp_path / 'bad.json'
    bad.write_text(json.dumps(['depth/rmse']))
    with pytest.raises(ValueError, match='metric name -> number'):
        load_baseline(str(bad))
    good = tmp_path / 'good.json'
    good.write_text(json.dumps(BASELINE))
    assert load_baseline(str(good)) == BASELINE
