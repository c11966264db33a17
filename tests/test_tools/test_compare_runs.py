"""compare_runs (Table S-3, Fig. S-2) on fabricated run logs; study plans."""
import csv
import importlib.util
import json
import os
import os.path as osp
import sys

import pytest

TOOLS = osp.join(osp.dirname(osp.dirname(osp.dirname(__file__))), 'tools')


def load_tool(relative):
    path = osp.join(TOOLS, relative)
    name = osp.splitext(osp.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


compare_runs = load_tool('analysis/compare_runs.py')
study = load_tool('study.py')

METRICS = ['depth/delta1', 'depth/rmse']
RUNS = {  # method/seed -> (delta1, rmse)
    'equal/seed0': (0.60, 0.80), 'equal/seed1': (0.62, 0.79),
    'lsb/seed0': (0.62, 0.70), 'lsb/seed1': (0.65, 0.75)}


def write_run(root, run, delta1, rmse, depth_weights=(0.5, 0.5),
              steps=(10, 20)):
    """A work dir as tools/train.py leaves it: two training records with
    weights and losses, then one validation record."""
    folder = osp.join(root, run, '20260101_000000', 'vis_data')
    os.makedirs(folder)
    records = []
    for step, scale in zip(steps, (1.0, 0.5)):
        records.append({
            'lr': 1e-3, 'loss': 1.0, 'iter': step, 'step': step,
            'depth.loss_a': 2.0 * scale, 'depth.loss_b': 1.0 * scale,
            'seg.loss_ce': 4.0 * scale,
            'weight/depth.loss_a': depth_weights[0],
            'weight/depth.loss_b': depth_weights[1],
            'weight/seg.loss_ce': 0.5})
    records.append({'depth/delta1': delta1, 'depth/rmse': rmse,
                    'data_time': 0.1, 'time': 0.2, 'step': steps[-1]})
    with open(osp.join(folder, 'scalars.json'), 'w') as file:
        file.write('\n'.join(json.dumps(r) for r in records) + '\n')
    return osp.join(root, run)


@pytest.fixture
def runs(tmp_path):
    return [write_run(str(tmp_path), run, *values)
            for run, values in RUNS.items()]


def test_ranks_share_ties():
    assert compare_runs.rank([0.60, 0.62, 0.62, 0.65], lower=False) == [
        4, 2.5, 2.5, 1]
    assert compare_runs.rank([3.0, 1.0, 2.0], lower=True) == [3, 1, 2]


def test_tables_by_hand(runs, tmp_path):
    loaded = [compare_runs.load_run(run) for run in runs]
    assert [(r.method, r.name) for r in loaded] == [
        ('equal', 'seed0'), ('equal', 'seed1'), ('lsb', 'seed0'),
        ('lsb', 'seed1')]
    assert loaded[0].metrics == {'depth/delta1': 0.60, 'depth/rmse': 0.80}
    run_rows, method_rows = compare_runs.build_tables(loaded, METRICS)
    # delta1 (higher better): 0.65 -> 1, 0.62 twice -> 2.5, 0.60 -> 4;
    # rmse (lower better): 0.70 -> 1, 0.75 -> 2, 0.79 -> 3, 0.80 -> 4
    assert [(row['ranks']['depth/delta1'], row['ranks']['depth/rmse'])
            for row in run_rows] == [(4, 4), (2.5, 3), (2.5, 1), (1, 2)]
    assert [row['ranks']['avg'] for row in run_rows] == [4, 2.75, 1.75, 1.5]
    assert [(row['ranks']['min'], row['ranks']['max'])
            for row in run_rows] == [(4, 4), (2.5, 3), (1, 2.5), (1, 2)]
    assert [row['method_avg'] for row in run_rows] == [3.375, 3.375, 1.625,
                                                       1.625]
    # means over seeds: equal (0.61, 0.795), lsb (0.635, 0.725)
    assert method_rows[0]['values']['depth/delta1'] == pytest.approx(0.61)
    assert [row['ranks']['avg'] for row in method_rows] == [2, 1]


def test_written_outputs(runs, tmp_path):
    out = str(tmp_path / 'out')
    written = compare_runs.compare(runs, out, METRICS)
    markdown = open(written['markdown']).read()
    assert '| equal | seed0 | 0.6 (4) | 0.8 (4) | 4 | 4 | 4.00 | 3.38 |' \
        in markdown
    assert '| lsb | seed0 | 0.62 (2.5) | 0.7 (1) | 1 | 2.5 | 1.75 | ' \
        '**1.62** |' in markdown
    assert '| lsb | 0.635 (1) | 0.725 (1) | 1 | 1 | 1.00 |' in markdown
    with open(written['runs_csv']) as file:
        rows = list(csv.DictReader(file))
    assert rows[1]['method'] == 'equal' and rows[1]['run'] == 'seed1'
    assert float(rows[1]['depth/delta1 rank']) == 2.5
    assert float(rows[3]['avg rank']) == 1.5
    with open(written['methods_csv']) as file:
        assert [r['method'] for r in csv.DictReader(file)] == ['equal', 'lsb']
    assert open(written['plot'], 'rb').read(8) == b'\x89PNG\r\n\x1a\n'


def test_task_trends_group_terms_by_task(tmp_path):
    run = compare_runs.load_run(write_run(str(tmp_path), 'm/seed0', 0.5, 1.0,
                                          depth_weights=(0.2, 0.4)))
    trends = compare_runs.task_trends(run.records)
    iters, weights, scales = trends['depth']
    assert iters == [10, 20]
    # scale = 0.2 * 2 + 0.4 * 1 = 0.8; weight = scale / (2 + 1)
    assert scales[0] == pytest.approx(0.8)
    assert weights[0] == pytest.approx(0.8 / 3)
    assert trends['seg'][1] == [0.5, 0.5]
    assert trends['seg'][2] == [2.0, 1.0]


def test_test_results_win_and_missing_metrics_are_named(runs, tmp_path):
    folder = osp.join(runs[0], '20260102_000000')
    os.makedirs(folder)
    with open(osp.join(folder, '20260102_000000.json'), 'w') as file:
        json.dump({'depth/delta1': 0.99, 'depth/rmse': 0.1}, file)
    assert compare_runs.load_run(runs[0]).metrics['depth/delta1'] == 0.99
    with pytest.raises(KeyError, match=r"equal/seed0 has no \['seg/mIoU'\]"):
        compare_runs.compare(runs, str(tmp_path / 'o'), ['seg/mIoU'])
    with pytest.raises(KeyError, match='unknown direction'):
        compare_runs.compare(runs, str(tmp_path / 'o'), ['depth/fancy'])
    with pytest.raises(FileNotFoundError, match='holds no evaluation'):
        os.makedirs(tmp_path / 'empty' / 'seed0')
        compare_runs.load_run(str(tmp_path / 'empty' / 'seed0'))


def test_runs_of_different_lengths_are_refused(runs, tmp_path):
    killed = write_run(str(tmp_path), 'gls/seed0', 0.9, 0.1, steps=(5, 10))
    with pytest.raises(ValueError, match=r'different iterations \(equal/'
                       r'seed0 at 20, .* gls/seed0 at 10\): an unfinished'):
        compare_runs.compare(runs + [killed], str(tmp_path / 'o'), METRICS)
    written = compare_runs.compare(runs + [killed], str(tmp_path / 'o'),
                                   METRICS, plot=False, allow_unfinished=True)
    assert '| gls | seed0 | 0.9 (1) |' in open(written['markdown']).read()


def test_study_names_and_commands(tmp_path):
    configs = []
    for rule in ('equal', 'lsb'):
        path = tmp_path / f'synthscenes_crossstitch_{rule}.py'
        path.write_text('')
        configs.append(str(path))
    assert study.method_names(configs) == ['equal', 'lsb']
    commands = study.plan(configs, [0, 1], 'root',
                          cfg_options=['train_cfg.max_iters=5'], nice=10)
    assert list(commands) == [osp.join('root', 'equal', 'seed0'),
                              osp.join('root', 'equal', 'seed1'),
                              osp.join('root', 'lsb', 'seed0'),
                              osp.join('root', 'lsb', 'seed1')]
    action, command, _ = commands[osp.join('root', 'lsb', 'seed1')]
    assert action == 'start'
    assert command[:4] == ['nice', '-n', '10', sys.executable]
    assert command[4].endswith(osp.join('tools', 'train.py'))
    assert command[5:] == [configs[1], '--work-dir',
                           osp.join('root', 'lsb', 'seed1'), '--cfg-options',
                           'randomness.seed=1', 'train_cfg.max_iters=5']
    with pytest.raises(ValueError, match='one distinct name per config'):
        study.plan(configs, [0], 'root', names=['a', 'a'])
    with pytest.raises(FileNotFoundError, match='nope.py'):
        study.plan(['nope.py'], [0], 'root')
