"""Run logs of resumed runs: launches merged in iteration order, truncated
lines named, completion against the schedule."""
import importlib.util
import json
import os
import os.path as osp

import pytest

from mtlw.utils.run_logs import (RunLogError, completion, read_run,
                                 read_scalars, weight_series)
from tests._fixtures.run_log_fixtures import (killed_then_resumed, train, val,
                                              write_launch)

TOOLS = osp.join(osp.dirname(osp.dirname(osp.dirname(__file__))), 'tools')


def load_tool(relative):
    path = osp.join(TOOLS, relative)
    spec = importlib.util.spec_from_file_location(
        osp.splitext(osp.basename(path))[0], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_resumed_launches_merge_in_order_later_wins(tmp_path):
    killed_then_resumed(tmp_path)
    records = read_scalars(str(tmp_path))
    assert [(r.get('iter', r['step']), r['launch']) for r in records] == [
        (1, 'A'), (2, 'A'), (2, 'A'), (3, 'A'), (4, 'A'), (4, 'A'),
        (5, 'B'), (6, 'B'), (6, 'B'), (7, 'B'), (8, 'B'), (8, 'B')]
    log = read_run(str(tmp_path))
    assert [r['iter'] for r in log.training] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [(r['step'], r['launch']) for r in log.evaluations] == [
        (2, 'A'), (4, 'A'), (6, 'B'), (8, 'B')]
    assert log.final_metrics['seg/mIoU'] == 70.0
    assert log.last_iteration == 8
    iters, weights, _ = weight_series(records)['seg.loss_ce']
    assert iters == [1, 2, 3, 4, 5, 6, 7, 8]
    assert weights == [0.5] * 4 + [0.7] * 4


def test_resume_point_without_text_log_is_first_logged_iteration(tmp_path):
    killed_then_resumed(tmp_path)
    os.remove(tmp_path / '20260102_000000' / '20260102_000000.log')
    # B's first record is iteration 5: A's records after 4 are replaced
    log = read_run(str(tmp_path))
    assert [(r['iter'], r['launch']) for r in log.training][3:5] == [
        (4, 'A'), (5, 'B')]
    assert [r['step'] for r in log.evaluations] == [2, 4, 6, 8]


def test_training_from_scratch_replaces_earlier_launches(tmp_path):
    write_launch(tmp_path, '20260101_000000',
                 [train(1, 'A'), train(2, 'A'), val(2, 'A')])
    write_launch(tmp_path, '20260102_000000', [train(1, 'B')])
    log = read_run(str(tmp_path))
    assert [(r['iter'], r['launch']) for r in log.training] == [(1, 'B')]
    assert log.evaluations == [] and log.final_metrics is None


def test_test_results_count_until_training_goes_on(tmp_path):
    killed_then_resumed(tmp_path)
    tested = tmp_path / '20260103_000000'
    os.makedirs(tested)
    (tested / '20260103_000000.json').write_text('{"seg/mIoU": 99.0}')
    assert read_run(str(tmp_path)).final_metrics == {'seg/mIoU': 99.0}
    write_launch(tmp_path, '20260104_000000', [train(9, 'C'), val(9, 'C')],
                 resumed=8)
    assert read_run(str(tmp_path)).final_metrics['launch'] == 'C'


def test_truncated_line_names_file_and_line(tmp_path):
    path = write_launch(tmp_path, '20260101_000000', [], text=(
        json.dumps(train(1, 'A')) + '\n' + json.dumps(val(1, 'A')) + '\n'
        '{"lr": 0.01, "loss": 0.9, "ite'))
    message = rf'{path}, line 3: not a JSON record .*truncated or corrupt'
    with pytest.raises(RunLogError, match=message):
        read_scalars(str(tmp_path))
    with pytest.raises(RunLogError, match=message):
        load_tool('analysis/compare_runs.py').load_run(str(tmp_path))
    with pytest.raises(RunLogError, match=message):
        load_tool('analysis/plot_weights.py').plot_weights(
            str(tmp_path), str(tmp_path / 'w.png'))


def test_completion_against_the_schedule(tmp_path):
    killed_then_resumed(tmp_path)
    log = read_run(str(tmp_path))
    assert completion(log, 'iter', 8) == 'finished'
    assert completion(log, 'iter', 10) == 'unfinished'
    # checkpointed at 10, killed in the final validation
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'iter_10.pth'))
    assert completion(read_run(str(tmp_path)), 'iter', 10) == 'unevaluated'
    with pytest.raises(ValueError, match="'iter' or 'epoch', got 'step'"):
        completion(log, 'step', 8)


def test_completion_of_epoch_loops(tmp_path):
    # 3 iterations per epoch; validation at the end of epochs 1 and 2
    write_launch(tmp_path, '20260101_000000', [
        train(2, 'A', epoch=1), val(3, 'A'), train(4, 'A', epoch=2),
        train(6, 'A', epoch=2), val(6, 'A'), train(8, 'A', epoch=3)])
    log = read_run(str(tmp_path))
    assert log.epochs_done == 2
    assert completion(log, 'epoch', 2) == 'finished'
    assert completion(log, 'epoch', 3) == 'unfinished'
    (tmp_path / 'last_checkpoint').write_text('work/epoch_3.pth')
    assert completion(read_run(str(tmp_path)), 'epoch', 3) == 'unevaluated'
