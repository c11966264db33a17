"""tools/reproduce.py and the table files: planning every table, the
SynthScenes twins, the printed gaps and one tiny end-to-end table."""
import importlib.util
import json
import os.path as osp
import re

import pytest

from mtlw.utils.reproduction import (Metric, Row, cell, format_table,
                                     load_table, mean_metrics, measured_row,
                                     papers, relative_change, relative_values,
                                     run_hours, step_time, synthscenes_twin,
                                     table_names)
from tests._fixtures.run_log_fixtures import train, write_launch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
spec = importlib.util.spec_from_file_location(
    'reproduce', osp.join(ROOT, 'tools', 'reproduce.py'))
reproduce = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reproduce)
ALL_TABLES = [(paper, name) for paper in papers()
              for name in table_names(paper)]
#: SynthScenes runs small enough for one CPU core.
TINY = ['train_dataloader.batch_size=2',
        'train_dataloader.dataset.img_size=[32,64]',
        'val_dataloader.dataset.num_samples=2',
        'val_dataloader.dataset.img_size=[32,64]']


def test_the_four_papers_and_their_tables_are_listed():
    assert papers() == ['cov', 'deeplab', 'lsb', 'synergy']
    assert table_names('cov') == ['table2', 'table3', 'table4', 'table5',
                                  'table6', 'table7']
    assert 'table_s3' in table_names('lsb')
    assert len(ALL_TABLES) == 26
    assert table_names('synergy')[:2] == ['table1', 'table2']


@pytest.mark.parametrize('paper,name', ALL_TABLES)
def test_dry_run_of_every_table(paper, name, tmp_path, capsys):
    table = load_table(paper, name)
    assert table.reference and table.data and table.seeds
    reproduce.main([paper, name, '--dry-run', '--work-dir', str(tmp_path)])
    out = capsys.readouterr().out
    methods, status = reproduce.resolve(table, 'real')
    # every row either plans its runs or is named as missing its config
    assert set(methods) | set(status) == set(reproduce.runs_of(table))
    for method in methods.values():
        for seed in table.seeds:
            run_dir = osp.join(str(tmp_path), method.name, f'seed{seed}')
            assert f'{run_dir}: start, no run yet' in out
    for row_method, remark in status.items():
        assert f'{row_method}: {remark} (skipped)' in out
        assert not osp.isfile(osp.join(ROOT, remark.split(' ', 2)[2]))
    distinct = {method.name for method in methods.values()}
    assert f'{paper} {name}: {len(distinct) * len(table.seeds)} runs' in out
    assert not list(tmp_path.iterdir())  # nothing trained


def test_dry_run_estimates_measured_families_only(tmp_path, capsys):
    # EncNet R50-D8 on PASCAL Context: 40 epochs x 625 iterations at the
    # measured 8 / 107.8 s per step of an H200
    entry = step_time('configs/encnet/pcontext_equal.py')
    assert entry['device'] == 'H200' and entry['seconds_per_step'] == 0.0742
    assert run_hours('iter', 25000, entry) == pytest.approx(
        25000 * 0.0742 / 3600)
    assert step_time('configs/monodepth/kitti_cov.py') is None
    assert run_hours('iter', 100, None) is None
    # epochs count steps only with the training set's size
    assert run_hours('epoch', 2, dict(seconds_per_step=1.0, batch=4)) is None
    assert run_hours('epoch', 2, dict(seconds_per_step=1.0, batch=4,
                                      train_images=10)) == 6 / 3600
    reproduce.main(['cov', 'table6', '--dry-run', '--work-dir',
                    str(tmp_path)])
    out = capsys.readouterr().out
    assert f'{tmp_path}/pcontext_equal/seed0: start, no run yet, ' \
        '~0.5 GPU h' in out
    # 3 CoV learning rates, the AUX-only and SE-only baselines
    assert '~5.7 GPU hours (11 runs)' in out
    assert '0 rows with a missing config' in out
    reproduce.main(['cov', 'table4', '--dry-run', '--work-dir',
                    str(tmp_path)])
    assert '10 runs unmeasured' in capsys.readouterr().out


def test_tables_sharing_a_config_share_its_runs():
    table2 = reproduce.resolve(load_table('cov', 'table2'), 'real')[0]
    table3 = reproduce.resolve(load_table('cov', 'table3'), 'real')[0]
    assert table2['full history'] == table3['CoV-Weighting']
    # rows of one config that differ by options run apart
    lr_table = load_table('deeplab', 'lr_adam')
    lr_table = lr_table._replace(rows=tuple(
        row._replace(config='configs/deeplab/miniscapes_joint_equal.py')
        for row in lr_table.rows))
    lr = reproduce.resolve(lr_table, 'real')[0]
    assert lr['Adam lr 1e-3'].name == 'miniscapes_joint_equal_lr-0.001'
    assert lr['Adam lr 1e-3'].options == ('optim_wrapper.optimizer.lr=0.001',)
    assert lr['Adam lr 1e-4'].name == 'miniscapes_joint_equal_lr-0.0001'


@pytest.mark.parametrize('paper,name', ALL_TABLES)
def test_every_row_names_an_existing_config_and_twin(paper, name):
    table = load_table(paper, name)
    methods, missing = reproduce.resolve(table, 'real')
    assert missing == {}
    assert set(methods) == set(reproduce.runs_of(table))
    assert reproduce.resolve(table, 'synthscenes')[1] == {}


def test_a_row_naming_a_missing_config_is_reported():
    table = load_table('deeplab', 'losses')
    gone = 'configs/deeplab/miniscapes_branched_se_report_huber.py'
    table = table._replace(rows=table.rows[:1] + (
        table.rows[1]._replace(config=gone), ))
    methods, missing = reproduce.resolve(table, 'real')
    assert list(methods) == ['L2']
    assert missing == {'L1': f'missing config {gone}'}


def test_synthscenes_twins():
    assert synthscenes_twin('configs/monodepth/kitti_cov.py') == \
        'configs/monodepth/synthscenes_cov.py'
    assert synthscenes_twin('configs/monodepth/cityscapes_cov.py') == \
        'configs/monodepth/synthscenes_cov.py'
    assert synthscenes_twin(
        'configs/pixelwise/nyuv2_mobilenetv2_crossstitch_lsb.py') == \
        'configs/pixelwise/synthscenes_crossstitch_lsb.py'
    assert synthscenes_twin('configs/encnet/pcontext_cov.py') == \
        'configs/encnet/synthscenes_cov.py'
    assert synthscenes_twin('configs/deeplab/miniscapes_joint_equal.py') == \
        'configs/deeplab/synthscenes_joint_equal.py'
    assert synthscenes_twin('configs/synergy/nyuv2_40_lateral_cov.py') == \
        'configs/synergy/synthscenes_lateral_cov.py'
    assert synthscenes_twin(
        'configs/synergy/kitti_cityscapes_weak_lateral_cov.py') == \
        'configs/synergy/synthscenes_weak_lateral_cov.py'
    assert synthscenes_twin('configs/encnet/synthscenes_cov.py') == \
        'configs/encnet/synthscenes_cov.py'
    with pytest.raises(ValueError, match='starts with no known dataset'):
        synthscenes_twin('configs/encnet/ade20k_cov.py')
    # every existing row config that has a twin maps to an existing file
    methods, _ = reproduce.resolve(load_table('lsb', 'table_s3'),
                                   'synthscenes')
    assert len(methods) == 5
    # the twins' schedule replaces the rows' own
    table = load_table('deeplab', 'epochs_batch')
    table = table._replace(rows=tuple(
        row._replace(config='configs/deeplab/miniscapes_joint_equal.py')
        for row in table.rows))
    twins, _ = reproduce.resolve(table, 'synthscenes')
    assert twins['8 epochs, batch 2'].config.endswith(
        'configs/deeplab/synthscenes_joint_equal.py')
    assert twins['8 epochs, batch 2'].options == (
        'train_dataloader.batch_size=2',)


def test_cells_show_ours_paper_and_the_gap():
    assert cell(0.2, 0.1988) == '0.2000 / 0.1988 (+0.0012)'
    assert cell(None, 0.1988) == '- / 0.1988'
    assert cell(0.5, None) == '0.5000 / -'
    assert mean_metrics([dict(a=1.0, b=2.0), dict(a=3.0)]) == dict(a=2.0,
                                                                   b=2.0)
    table = load_table('lsb', 'table_s3')
    row = table.rows[0]
    values = measured_row(table, row, {
        'depth/delta1': 0.6, 'depth/rmse': 0.8, 'normal/within_30': 44.0,
        'normal/angle_mean': 40.0, 'seg/mIoU': 20.0})
    # delta1 is logged as a fraction, the paper prints percent
    assert values == [pytest.approx(60.0), 0.8, 44.0, 40.0, 20.0, None]
    text = format_table(table, {row.method: values},
                        {'Uncert': 'missing config x.py'})
    assert ('| Equal weighting | 60.0000 / 59.6000 (+0.4000) | '
            '0.8000 / 0.7960 (+0.0040) |') in text
    assert '| - / 56.0000 | missing config x.py |' in text


def test_key_prefix_reads_one_run_in_several_ranges():
    row = Row('<= 4 m', 'x.py', (), (0.1,), key_prefix='depth_4m')
    table = load_table('synergy', 'table7')._replace(
        metrics=(Metric('rel', 'depth/abs_rel', 'lower'),))
    assert measured_row(table, row, {'depth/abs_rel': 9.0,
                                     'depth_4m/abs_rel': 0.2}) == [0.2]


def test_relative_change_is_positive_for_an_improvement():
    # RMSE 0.8 against a baseline of 1.0: 20 % better
    assert relative_change(0.8, 1.0, 'lower') == pytest.approx(0.2)
    assert relative_change(1.5, 1.0, 'lower') == pytest.approx(-0.5)
    # mIoU 44 against 40: 10 % better
    assert relative_change(44.0, 40.0, 'higher') == pytest.approx(0.1)
    assert relative_change(None, 40.0, 'higher') is None
    assert relative_change(44.0, None, 'higher') is None
    assert relative_change(44.0, 0.0, 'higher') is None
    table = load_table('synergy', 'table1')
    assert [m.relative_to for m in table.metrics] == [
        'Single-task depth', 'Single-task semantic']
    values = relative_values(table, [0.8, 44.0], {
        'Single-task depth': [1.0, None],
        'Single-task semantic': [None, 40.0]})
    assert values == [pytest.approx(0.2), pytest.approx(0.1)]
    assert relative_values(table, [0.8, 44.0], {}) == [None, None]


def test_relative_column_must_name_a_baseline(tmp_path, monkeypatch):
    from mtlw.utils import reproduction
    text = open(osp.join(reproduction.TABLES_DIR, 'synergy.yaml')).read()
    (tmp_path / 'synergy.yaml').write_text(text.replace(
        'relative_to: Single-task depth}', 'relative_to: Depth alone}', 1))
    monkeypatch.setattr(reproduction, 'TABLES_DIR', str(tmp_path))
    with pytest.raises(ValueError, match="relative_to='Depth alone', not "
                       "one of the baselines"):
        reproduction.load_table('synergy', 'table1')


def test_relative_table_filled_from_finished_runs(tmp_path, capsys,
                                                  monkeypatch):
    """Synergy Table 1 on the SynthScenes twins with fabricated finished
    runs: the baselines are run but are no rows, each cell is the relative
    change against them, a fine-tuned row has its second task only."""
    monkeypatch.chdir(ROOT)
    table = load_table('synergy', 'table1')
    methods, status = reproduce.resolve(table, 'synthscenes')
    assert not status and 'Single-task depth' in methods
    logged = {'Single-task depth': {'depth/rmse': 2.0},
              'Single-task semantic': {'seg/mIoU': 40.0},
              'Fine-tuned (semantic -> depth)': {'depth/rmse': 3.0},
              'Merge-in': {'depth/rmse': 1.5, 'seg/mIoU': 50.0}}
    for name, method in methods.items():
        metrics = logged.get(name, {'depth/rmse': 2.0, 'seg/mIoU': 40.0})
        write_launch(tmp_path / method.name / 'seed0', '20260101_000000',
                     [train(1, 'A'), train(2, 'A'), dict(metrics, step=2)])
    text = reproduce.main(['synergy', 'table1', '--data', 'synthscenes',
                           '--iters', '2', '--work-dir', str(tmp_path)])
    # (2.0 - 3.0) / 2.0 = -0.5; (2.0 - 1.5) / 2.0 = 0.25, (50 - 40) / 40
    assert ('| Fine-tuned (semantic -> depth) | -0.5000 / -0.5400 (+0.0400)'
            ' | - / - |') in text
    assert ('| Merge-in | 0.2500 / 0.0900 (+0.1600) | 0.2500 / 0.0070 '
            '(+0.2430) |') in text
    assert '| Single-task depth |' not in text
    assert '- Single-task depth: Depth (RMSE) 2.0000, Semantic (mIoU) -' \
        in text
    assert ': start,' not in capsys.readouterr().out


def test_unknown_paper_or_table_is_named():
    with pytest.raises(KeyError, match=r"paper 'ccov' has no table file; "
                       r"known papers: \['cov'"):
        load_table('ccov', 'table3')
    with pytest.raises(KeyError, match=r"cov has no table 'table9'; its "
                       r"tables: \['table2'"):
        load_table('cov', 'table9')
    with pytest.raises(SystemExit, match='cov has no table'):
        reproduce.main(['cov', 'table9', '--dry-run'])


@pytest.mark.slow
def test_docs_page_is_generated_from_the_tables():
    with open(reproduce.DOCS) as file:
        assert file.read() == reproduce.render_docs(), \
            'docs/reproduce.md is stale: run python tools/reproduce.py --docs'
    text = reproduce.render_docs()
    assert ('- runs: 11 (11 settings x seeds [0])\n- expected GPU time: '
            '~5.7 GPU hours (11 runs)\n') in text
    assert '| Proposed (LSB) | 60.6 | 0.782 | 45.0 | 39.7 | 21.1 | 56.5 |' \
        in text


@pytest.mark.slow
def test_win_rate_table_on_synthscenes_end_to_end(tmp_path, capsys,
                                                  monkeypatch):
    """CoV Table 5 on the SynthScenes twins of its 6 models, 2 steps each:
    per-image results of every run, then the filled matrix; a second call
    trains nothing."""
    monkeypatch.setenv('OMP_NUM_THREADS', '1')
    monkeypatch.chdir(ROOT)
    args = ['cov', 'table5', '--data', 'synthscenes', '--iters', '2',
            '--work-dir', str(tmp_path), '--cfg-options', *TINY]
    text = reproduce.main(args)
    for name in ('synthscenes_equal', 'synthscenes_handtuned',
                 'synthscenes_cov', 'synthscenes_uncertainty',
                 'synthscenes_gradnorm', 'synthscenes_mgda'):
        with open(tmp_path / name / 'seed0' / 'per_image.json') as file:
            assert len(json.load(file)) == 2  # the two validation images
    lines = {line.split(' | ')[0]: line for line in text.splitlines()
             if line.startswith('| ')}
    cells = lines['| Equal'].split(' | ')
    assert cells[1] == '- / -'
    assert re.fullmatch(r'[01]\.\d{4} / 0\.4663 \([+-]0\.\d{4}\)', cells[2])
    assert 'missing config' not in text
    assert re.fullmatch(r'[01]\.\d{4} / 1\.0000 \([+-][01]\.\d{4}\)',
                        cells[3])
    capsys.readouterr()
    assert reproduce.main(args) == text
    out = capsys.readouterr().out
    assert out.count(': done, finished (iter 2/2)') == 6
    assert ': start,' not in out and ': resume,' not in out


@pytest.mark.slow
def test_finished_runs_fill_the_table_without_training(tmp_path, capsys,
                                                       monkeypatch):
    """LSB Table S-3 on the SynthScenes twins, two seeds already trained
    (fabricated logs at the 2-step schedule): nothing trains, the cells are
    the means over the seeds in the paper's units, and every run is ranked
    among all runs."""
    monkeypatch.chdir(ROOT)
    table = load_table('lsb', 'table_s3')
    methods, _ = reproduce.resolve(table, 'synthscenes')
    for k, method in enumerate(methods.values()):
        for seed in (0, 1):
            metrics = {'depth/delta1': 0.5 + 0.1 * seed, 'depth/rmse': 0.8,
                       'normal/within_30': 40.0 + k,
                       'normal/angle_mean': 30.0, 'seg/mIoU': 20.0,
                       'seg/aAcc': 50.0 + seed}
            write_launch(tmp_path / method.name / f'seed{seed}',
                         '20260101_000000', [
                             train(1, 'A'), train(2, 'A'),
                             dict(metrics, step=2)])
    text = reproduce.main(['lsb', 'table_s3', '--data', 'synthscenes',
                           '--iters', '2', '--seeds', '0', '1',
                           '--work-dir', str(tmp_path)])
    out = capsys.readouterr().out
    assert out.count(': done, finished (iter 2/2)') == 10
    # delta1: mean 0.55 -> 55 %; within_30 of the 2nd method 41
    assert ('| Uncert | 55.0000 / 60.0000 (-5.0000) | 0.8000 / 0.7880 '
            '(+0.0120) | 41.0000 / 43.6000 (-2.6000) |') in text
    assert '| 50.5000 / 56.0000 (-5.5000) |' in text
    ranks = (tmp_path / 'table_s3' / 'table_s3.md').read_text()
    assert 'synthscenes_crossstitch_lsb' in ranks
