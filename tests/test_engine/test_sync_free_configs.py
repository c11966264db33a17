"""EncNet and monodepth on SynthScenes: no host read between the logger's
iterations, and the same logged values as per-iteration logging."""
import copy
import glob
import json
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from mtlw.utils import short_run_cfg
from mtlw.utils.host_reads import HostReadCounter, watch_runner

ROOT = osp.join(osp.dirname(__file__), '..', '..')
ITERS, INTERVAL = 12, 5
TIMINGS = ('time', 'data_time', 'eta', 'memory')

pytestmark = pytest.mark.slow


def run(cfg, work_dir, counter=None):
    cfg = short_run_cfg(cfg, str(work_dir), ITERS, INTERVAL, batch_size=2)
    cfg.randomness = dict(seed=0)
    cfg.experiment_name = osp.basename(str(work_dir))
    runner = Runner.from_cfg(cfg)
    if counter is not None:
        watch_runner(runner, counter)
        with counter:
            runner.train()
    else:
        runner.train()
    path, = glob.glob(osp.join(str(work_dir), '*', 'vis_data',
                               'scalars.json'))
    with open(path) as file:
        rows = [json.loads(line) for line in file]
    return [{k: v for k, v in row.items() if k not in TIMINGS}
            for row in rows]


@pytest.mark.parametrize('config', ['encnet/synthscenes_cov.py',
                                    'monodepth/synthscenes_cov.py'])
def test_synthscenes_config_reads_only_when_logging(tmp_path, config):
    cfg = Config.fromfile(osp.join(ROOT, 'configs', config))
    counter = HostReadCounter()
    logged = run(cfg, tmp_path / 'sync_free', counter)

    reads = counter.per_iteration()
    logging = [i for i in range(1, ITERS + 1) if i % INTERVAL == 0]
    for iteration in range(1, ITERS + 1):
        sources = reads.get(iteration, {})
        if iteration in logging:  # one batched transfer
            assert list(sources.values()) == [1], sources
        elif iteration != ITERS:  # the last one saves a checkpoint
            assert not sources, (iteration, sources)

    reference_cfg = copy.deepcopy(cfg)
    reference_cfg.default_hooks.runtime_info = dict(type='RuntimeInfoHook')
    reference_cfg.log_processor.type = 'LogProcessor'
    reference = run(reference_cfg, tmp_path / 'per_iteration')
    assert [row['iter'] for row in logged] == logging
    assert [list(row) for row in logged] == [list(r) for r in reference]
    for row, expected in zip(logged, reference):
        assert list(row.values()) == pytest.approx(list(expected.values()),
                                                   rel=1e-6)
