"""Sync-free training: values read once per logger interval, non-finite
steps skipped on the device, and what is logged and saved unchanged."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.runner import Runner

import tests._fixtures.nonfinite_hooks  # noqa: F401  (registers the hooks)
from mtlw.engine import DeviceScalarLog
from mtlw.utils.host_reads import HostReadCounter, watch_runner
from mtlw.weighting import NonFiniteLossError
from tests._fixtures.nonfinite_hooks import RecordParametersHook
from tests._fixtures.toy import toy_runner_cfg

SGD = dict(type='SGD', lr=0.05, momentum=0.9)


def toy_cfg(tmp_path, sync_free, max_iters=6, interval=3, nonfinite='raise',
            poisoned=(), **overrides):
    """The toy runner, with mtlw's sync-free components (fused SGD) or
    MMEngine's per-iteration ones (plain SGD); gradients clipped so that
    the norm is logged."""
    cfg = toy_runner_cfg(str(tmp_path), max_iters,
                         dict(type='CoVWeighting', nonfinite=nonfinite),
                         **overrides)
    cfg['default_hooks']['logger']['interval'] = interval
    cfg['default_hooks']['checkpoint']['interval'] = max_iters
    clip = dict(max_norm=100.0)
    if sync_free:
        cfg['default_hooks']['runtime_info'] = dict(
            type='SyncFreeRuntimeInfoHook')
        cfg['log_processor']['type'] = 'SyncFreeLogProcessor'
        cfg['optim_wrapper'] = dict(type='SyncFreeOptimWrapper',
                                    optimizer=dict(SGD, fused=True),
                                    clip_grad=clip)
    else:
        cfg['optim_wrapper'] = dict(optimizer=SGD, clip_grad=clip)
    cfg['custom_hooks'] = cfg['custom_hooks'] + [
        dict(type='PoisonBatchHook', iters=list(poisoned)),
        dict(type='RecordParametersHook')]
    return cfg


def logged(work_dir):
    """The training records of scalars.json, without timings."""
    import json
    path, = glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    with open(path) as file:
        rows = [json.loads(line) for line in file]
    drop = ('time', 'data_time', 'eta', 'memory')
    return [{k: v for k, v in row.items() if k not in drop} for row in rows]


def parameters(runner):
    hook, = [h for h in runner.hooks if isinstance(h, RecordParametersHook)]
    return hook.states


def test_device_scalar_log_replays_values_in_order_with_their_types():
    log = DeviceScalarLog.get_instance('test_replay')
    hub = type('Hub', (), {})()
    seen = []
    hub.update_scalar = lambda key, value: seen.append((key, value))
    log.add({'a': torch.tensor(0.1), 'n': torch.tensor(3), 'p': 2.5})
    log.add({'a': torch.tensor(0.2, dtype=torch.bfloat16)})
    extra, = log.flush(hub, [torch.tensor([7, -1])])
    assert seen == [('a', torch.tensor(0.1).item()), ('n', 3), ('p', 2.5),
                    ('a', torch.tensor(0.2, dtype=torch.bfloat16).item())]
    assert isinstance(seen[1][1], int) and extra == [7.0, -1.0]
    assert log.pending == 0


@pytest.mark.slow
def test_logged_values_equal_per_iteration_logging(tmp_path):
    runs = {}
    for sync_free in (False, True):
        work_dir = tmp_path / str(sync_free)
        runner = Runner.from_cfg(toy_cfg(work_dir, sync_free, max_iters=7))
        runner.train()
        runs[sync_free] = logged(work_dir), runner.message_hub
    (reference, ref_hub), (values, hub) = runs[False], runs[True]
    assert [row['iter'] for row in values] == [3, 6]
    for row, expected in zip(values, reference):
        assert list(row) == list(expected)
        assert list(row.values()) == pytest.approx(list(expected.values()),
                                                   rel=1e-6)
    # the last iteration, not logged, is in the history too
    assert len(hub.get_scalar('train/loss').data[0]) == 7
    for key in ('train/loss', 'train/grad_norm', 'train/a.err'):
        torch.testing.assert_close(
            torch.as_tensor(hub.get_scalar(key).data[0]),
            torch.as_tensor(ref_hub.get_scalar(key).data[0]))


@pytest.mark.slow
def test_no_host_read_between_logger_iterations(tmp_path):
    runner = Runner.from_cfg(toy_cfg(tmp_path, True, max_iters=7))
    counter = HostReadCounter()
    watch_runner(runner, counter)
    with counter:
        runner.train()
    reads = counter.per_iteration()
    source = 'mtlw/engine/device_scalar_log.py'
    # iteration 0: the runner's start; 7: the last one, saved (a
    # checkpoint reads every tensor) and flushed there
    assert sorted(reads) == [0, 3, 6, 7]
    for iteration in (3, 6):
        (where, count), = reads[iteration].items()
        assert where.startswith(source) and count == 1
    assert sum(source in where for where in reads[7]) == 1


@pytest.mark.slow
def test_checkpoint_holds_the_values_still_on_the_device(tmp_path):
    cfg = toy_cfg(tmp_path, True, max_iters=4, interval=3)
    cfg['default_hooks']['checkpoint']['interval'] = 2
    Runner.from_cfg(cfg).train()
    saved = torch.load(osp.join(tmp_path, 'iter_2.pth'), weights_only=False)
    history = saved['message_hub']['log_scalars']['train/loss'].data[0]
    assert len(history) == 2  # iterations 1 and 2, not yet logged

    resumed = toy_cfg(tmp_path / 'resumed', True, max_iters=4, interval=3,
                      resume=True,
                      load_from=osp.join(tmp_path, 'iter_2.pth'))
    runner = Runner.from_cfg(resumed)
    runner.train()
    final = torch.load(osp.join(tmp_path, 'iter_4.pth'), weights_only=False)
    torch.testing.assert_close(
        torch.as_tensor(runner.message_hub.get_scalar('train/loss').data[0]),
        torch.as_tensor(final['message_hub']['log_scalars']['train/loss']
                        .data[0]))


@pytest.mark.slow
def test_raise_is_found_on_the_device_and_reported_at_the_next_log(
        tmp_path):
    runner = Runner.from_cfg(toy_cfg(tmp_path, True, poisoned=[2]))
    with pytest.raises(NonFiniteLossError,
                       match=r"'b.loss_l1' first at iteration 2 given to "
                       r'CoVWeighting \(found on the device\)'):
        runner.train()
    states = parameters(runner)
    assert len(states) == 3  # raised at iteration 3, the logger's
    for state in states[1:]:  # no update from iteration 2 on
        for name, value in state.items():
            assert torch.equal(value, states[0][name]), name
    assert int(runner.model.weighter.step) == 1


@pytest.mark.slow
@pytest.mark.parametrize('poisoned', [[1], [2, 3]])
def test_skip_on_the_device_equals_skip_on_the_host(tmp_path, poisoned,
                                                    capsys):
    runners = {}
    for sync_free in (False, True):
        runners[sync_free] = Runner.from_cfg(toy_cfg(
            tmp_path / str(sync_free), sync_free, max_iters=5,
            nonfinite='skip', poisoned=poisoned))
        runners[sync_free].train()
    assert runners[True].model.weighter.defer_nonfinite
    assert not runners[False].model.weighter.defer_nonfinite
    host, device = (parameters(runners[k]) for k in (False, True))
    for step in range(5):
        for name, value in host[step].items():
            torch.testing.assert_close(device[step][name], value)
    for iteration in poisoned:  # no update at the skipped iterations
        before = device[iteration - 2] if iteration > 1 else None
        if before is not None:
            for name, value in before.items():
                assert torch.equal(device[iteration - 1][name], value)
    assert int(runners[True].model.weighter.step) == 5 - len(poisoned)
    assert runners[True].message_hub.get_scalar(
        'train/nonfinite/skipped').current() == len(poisoned)
    assert (f"'b.loss_l1' first at iteration {poisoned[0]} given to "
            'CoVWeighting (found on the device); ') in capsys.readouterr().out


@pytest.mark.slow
def test_hook_with_mmengines_log_processor_reads_every_iteration(tmp_path):
    runs = {}
    for processor in ('LogProcessor', 'SyncFreeLogProcessor'):
        cfg = toy_cfg(tmp_path / processor, True, max_iters=6)
        cfg['log_processor']['type'] = processor
        runner = Runner.from_cfg(cfg)
        counter = HostReadCounter()
        watch_runner(runner, counter)
        with counter:
            runner.train()
        runs[processor] = logged(tmp_path / processor), counter
    (plain, counter), (reference, _) = (runs['LogProcessor'],
                                        runs['SyncFreeLogProcessor'])
    assert plain == reference
    assert all(counter.per_iteration().get(i) for i in range(1, 6))
