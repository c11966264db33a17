"""tools/study.py: what it does with finished, unfinished and lost runs."""
import importlib.util
import os
import os.path as osp
import subprocess
import sys

import pytest

from mtlw.utils.run_logs import read_run
from tests._fixtures.run_log_fixtures import (killed_then_resumed, train, val,
                                              write_launch)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
STUDY = osp.join(ROOT, 'tools', 'study.py')
spec = importlib.util.spec_from_file_location('study', STUDY)
study = importlib.util.module_from_spec(spec)
spec.loader.exec_module(study)


@pytest.fixture
def configs(tmp_path):
    """Two methods on an 8-iteration schedule."""
    paths = []
    for rule in ('equal', 'lsb'):
        path = tmp_path / f'net_{rule}.py'
        path.write_text("train_cfg = dict(type='IterBasedTrainLoop', "
                        'max_iters=8, val_interval=2)\n')
        paths.append(str(path))
    return paths


def test_only_runs_that_reached_max_iters_are_done(configs, tmp_path):
    root = tmp_path / 'study'
    killed_then_resumed(root / 'equal' / 'seed0')  # reached 8, validated
    write_launch(root / 'equal' / 'seed1', '20260101_000000', [  # killed
        train(1, 'A'), train(2, 'A'), val(2, 'A', 90.0), train(3, 'A')])
    write_launch(root / 'lsb' / 'seed0', '20260101_000000', [  # lost val
        train(7, 'A'), train(8, 'A')])
    planned = study.plan(configs, [0, 1], str(root))
    actions = {osp.relpath(run_dir, root): (p.action, p.command)
               for run_dir, p in planned.items()}
    assert actions['equal/seed0'] == ('done', [])
    action, command = actions['equal/seed1']
    assert action == 'resume'
    assert command[3:7] == ['--work-dir', str(root / 'equal' / 'seed1'),
                            '--resume', '--cfg-options']
    assert planned[str(root / 'equal' / 'seed1')].reason == \
        'stopped at iter 3/8; resuming'
    action, command = actions['lsb/seed0']
    assert action == 'rerun' and '--resume' not in command
    assert actions['lsb/seed1'][0] == 'start'
    # a longer schedule makes the finished run unfinished again
    planned = study.plan(configs, [0], str(root),
                         cfg_options=['train_cfg.max_iters=10'])
    assert planned[str(root / 'equal' / 'seed0')].action == 'resume'


def run_study(monkeypatch, *args):
    """``tools/study.py ARGS`` in this process (its trainings are
    subprocesses)."""
    monkeypatch.setattr(sys, 'argv', [STUDY, *args])
    study.main()


def test_seed_option_is_refused(configs, tmp_path, monkeypatch):
    for option in ('randomness.seed=3', 'randomness={"seed": 3}'):
        with pytest.raises(ValueError, match='sets randomness.seed=<k>'):
            study.plan(configs, [0, 1], str(tmp_path), cfg_options=[option])
    with pytest.raises(SystemExit,
                       match='--cfg-options randomness.seed=3: the study'):
        run_study(monkeypatch, *configs, '--work-dir', str(tmp_path),
                  '--dry-run', '--cfg-options', 'randomness.seed=3')


def test_corrupt_log_of_a_run_is_named(configs, tmp_path):
    path = write_launch(tmp_path / 'equal' / 'seed0', '20260101_000000', [],
                        text='{"lr": 0.1, "lo')
    with pytest.raises(ValueError, match=rf'{path}, line 1'):
        study.plan(configs, [0], str(tmp_path))


@pytest.mark.slow
def test_killed_study_resumes_its_run(tmp_path, monkeypatch, capsys):
    """Real trainings: a run stopped after 2 of 4 iterations is resumed
    from its checkpoint by the study, which then compares."""
    config = osp.join(ROOT, 'configs', 'encnet', 'synthscenes_cov.py')
    tiny = ['train_cfg.val_interval=2', 'default_hooks.logger.interval=1',
            'default_hooks.checkpoint.interval=2',
            'train_dataloader.batch_size=2',
            'train_dataloader.dataset.img_size=[32,64]',
            'val_dataloader.dataset.num_samples=2',
            'val_dataloader.dataset.img_size=[32,64]']
    run_dir = str(tmp_path / 'synthscenes_cov' / 'seed0')
    monkeypatch.setenv('OMP_NUM_THREADS', '1')
    subprocess.run([sys.executable, osp.join(ROOT, 'tools', 'train.py'),
                    config, '--work-dir', run_dir, '--cfg-options',
                    'randomness.seed=0', 'train_cfg.max_iters=2', *tiny],
                   check=True, capture_output=True, cwd=ROOT, timeout=600)
    run_study(monkeypatch, config, '--seeds', '0', '--work-dir',
              str(tmp_path), '--metrics', 'mIoU', '--cfg-options',
              'train_cfg.max_iters=4', *tiny)
    assert 'stopped at iter 2/4; resuming' in capsys.readouterr().out
    log = read_run(run_dir)
    assert [r['iter'] for r in log.training] == [1, 2, 3, 4]
    assert [r['step'] for r in log.evaluations] == [2, 4]
    assert len([name for name in os.listdir(run_dir)
                if name[:8].isdigit()]) == 2  # two launches
    assert osp.isfile(tmp_path / 'table_s3.md')


def test_grid_values_split_outside_brackets():
    assert study.split_values('1e-3,1e-4') == ['1e-3', '1e-4']
    assert study.split_values('[0.3,0.7],[0.5,0.5]') == [
        '[0.3,0.7]', '[0.5,0.5]']
    assert study.split_values('"a,b",c') == ['"a,b"', 'c']
    assert study.option_slug('optim_wrapper.optimizer.lr=1e-3') == 'lr-1e-3'
    assert study.option_slug('model.weighter.priorities=[0.3,0.7]') == \
        'priorities-0.3_0.7'


def test_grid_is_the_cartesian_product_with_stable_names(configs, tmp_path):
    points = study.grid_points(['optim_wrapper.optimizer.lr=0.1,0.01',
                                'train_dataloader.batch_size=2,4,8'])
    assert [name for name, _ in points] == [
        'lr-0.1_batch_size-2', 'lr-0.1_batch_size-4', 'lr-0.1_batch_size-8',
        'lr-0.01_batch_size-2', 'lr-0.01_batch_size-4',
        'lr-0.01_batch_size-8']
    assert points[4][1] == ('optim_wrapper.optimizer.lr=0.01',
                            'train_dataloader.batch_size=4')
    # one config: methods named by the point; several: config_point
    planned = study.plan(configs[:1], [0], str(tmp_path),
                         grid=['train_cfg.max_iters=4,6'])
    run_dir = str(tmp_path / 'max_iters-6' / 'seed0')
    assert list(planned) == [str(tmp_path / 'max_iters-4' / 'seed0'),
                             run_dir]
    command = planned[run_dir].command
    assert command[-2:] == ['randomness.seed=0', 'train_cfg.max_iters=6']
    planned = study.plan(configs, [1], str(tmp_path),
                         grid=['train_cfg.max_iters=4'])
    assert [osp.relpath(d, tmp_path) for d in planned] == [
        'equal_max_iters-4/seed1', 'lsb_max_iters-4/seed1']


def test_grid_point_that_finished_is_skipped(configs, tmp_path):
    """The name of a point does not change between launches, so a finished
    point is found again; its own schedule decides whether it finished."""
    killed_then_resumed(tmp_path / 'max_iters-8' / 'seed0')  # reached 8
    planned = study.plan(configs[:1], [0], str(tmp_path),
                         grid=['train_cfg.max_iters=8,10'])
    assert planned[str(tmp_path / 'max_iters-8' / 'seed0')].action == 'done'
    assert planned[str(tmp_path / 'max_iters-10' / 'seed0')].action == \
        'start'


def test_bad_grids_are_refused(configs, tmp_path):
    with pytest.raises(ValueError, match='--grid lr: expected key=v1'):
        study.grid_points(['lr'])
    with pytest.raises(ValueError, match='key a.lr is given twice'):
        study.grid_points(['a.lr=1,2', 'a.lr=3'])
    with pytest.raises(ValueError, match='sets randomness.seed=<k>'):
        study.grid_points(['randomness.seed=1,2'])


def test_gpus_and_run_folder_in_options(configs, tmp_path):
    planned = study.plan(
        configs[:1], [0], str(tmp_path), gpus=4,
        cfg_options=['val_evaluator.output_file={work_dir}/per_image.json'])
    run_dir = str(tmp_path / 'net_equal' / 'seed0')
    command = planned[run_dir].command
    assert command[:6] == ['env', f'PYTHON={sys.executable}', 'bash',
                           osp.join(ROOT, 'tools', 'dist_train.sh'),
                           configs[0], '4']
    assert command[6:8] == ['--work-dir', run_dir]
    assert command[-1] == \
        f'val_evaluator.output_file={run_dir}/per_image.json'


@pytest.mark.slow
def test_grid_points_train_with_their_values(tmp_path, monkeypatch):
    """Two learning rates of a 2-step EncNet run: each point's folder logs
    its own learning rate (10x apart at every step, up to the schedule's
    fixed minimum learning rate)."""
    config = osp.join(ROOT, 'configs', 'encnet', 'synthscenes_cov.py')
    monkeypatch.setenv('OMP_NUM_THREADS', '1')
    run_study(monkeypatch, config, '--seeds', '0', '--work-dir',
              str(tmp_path), '--metrics', 'mIoU',
              '--grid', 'optim_wrapper.optimizer.lr=0.01,0.001',
              '--cfg-options', 'train_cfg.max_iters=2',
              'train_cfg.val_interval=2', 'default_hooks.logger.interval=1',
              'train_dataloader.batch_size=2',
              'train_dataloader.dataset.img_size=[32,64]',
              'val_dataloader.dataset.num_samples=2',
              'val_dataloader.dataset.img_size=[32,64]')
    high = read_run(str(tmp_path / 'lr-0.01' / 'seed0')).training
    low = read_run(str(tmp_path / 'lr-0.001' / 'seed0')).training
    assert [r['iter'] for r in high] == [1, 2]
    for a, b in zip(high, low):
        assert a['lr'] == pytest.approx(10 * b['lr'], rel=1e-3)
    assert osp.isfile(tmp_path / 'table_s3.md')
