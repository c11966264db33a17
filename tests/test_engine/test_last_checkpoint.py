"""``load_from='last:<run folder>'``: the checkpoint a run's
last_checkpoint names."""
import os

import pytest
import torch
from mmengine.runner import CheckpointLoader

from mtlw.engine import last_checkpoint_of


def _run(tmp_path, recorded):
    run = tmp_path / 'run'
    run.mkdir()
    torch.save(dict(state_dict=dict(w=torch.tensor([1.0, 2.0]))),
               run / 'iter_20.pth')
    (run / 'last_checkpoint').write_text(recorded)
    return run


def test_the_recorded_checkpoint_is_loaded(tmp_path):
    run = _run(tmp_path, str(tmp_path / 'run' / 'iter_20.pth'))
    assert last_checkpoint_of(str(run)) == str(run / 'iter_20.pth')
    loaded = CheckpointLoader.load_checkpoint(f'last:{run}')
    assert torch.equal(loaded['state_dict']['w'], torch.tensor([1.0, 2.0]))


def test_a_moved_run_is_found_by_file_name(tmp_path, monkeypatch):
    # recorded relative to another start folder: found in the run folder
    _run(tmp_path, 'elsewhere/run/iter_20.pth')
    monkeypatch.chdir(tmp_path)
    assert last_checkpoint_of('run') == os.path.join('run', 'iter_20.pth')


def test_missing_record_or_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError,
                       match=r"no last_checkpoint file in .*nowhere"):
        CheckpointLoader.load_checkpoint(f"last:{tmp_path / 'nowhere'}")
    run = _run(tmp_path, 'iter_99.pth')
    with pytest.raises(FileNotFoundError,
                       match=r"names 'iter_99.pth', which is missing"):
        last_checkpoint_of(str(run))
