"""tools/test.py refuses checkpoints it cannot read or that do not fit the
model, in one line naming the file, and exits non-zero."""
import importlib.util
import os
import os.path as osp
import re
import subprocess
import sys
import uuid

import pytest
import torch

from mtlw.engine.checkpoint_check import (CheckpointError,
                                          check_state_dict_fits,
                                          read_state_dict)
from tests._fixtures.toy import ToyTwoLossModel

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(ROOT, 'configs', 'encnet', 'synthscenes_cov.py')


class _GetAttr:
    def __init__(self, owner, name):
        self.owner, self.name = owner, name

    def __reduce__(self):
        return getattr, (self.owner, self.name)


def _good(path):
    torch.save(dict(meta={}, state_dict=ToyTwoLossModel().state_dict()),
               path)
    return path


def _truncated(path):
    data = _good(path).read_bytes()
    path.write_bytes(data[:len(data) // 2])


BAD_FILES = {
    'empty': (lambda path: path.write_bytes(b''), r'is empty \(0 bytes\)'),
    'random': (lambda path: path.write_bytes(os.urandom(2000)),
               'is not a PyTorch checkpoint'),
    'text': (lambda path: path.write_text('hello world\n'),
             'is not a PyTorch checkpoint'),
    'truncated': (_truncated, 'is truncated or corrupted'),
    'foreign class': (
        lambda path: torch.save(subprocess.CompletedProcess(['x'], 0), path),
        r'refers to the Python object \S+\.CompletedProcess'),
    'smuggled callable': (
        lambda path: torch.save(_GetAttr(_GetAttr(getattr, '__self__'),
                                         'exec'), path),
        r"is refused: .*getattr\(getattr, '__self__'\)"),
    'no tensors': (lambda path: torch.save(dict(epoch=3), path),
                   'holds no model weights'),
    'missing': (lambda path: None, 'does not exist'),
}


@pytest.mark.parametrize('kind', BAD_FILES)
def test_unreadable_checkpoint_gives_one_line_naming_the_file(tmp_path,
                                                              kind):
    write, expected = BAD_FILES[kind]
    path = tmp_path / f'{kind.replace(" ", "_")}.pth'
    write(path)
    with pytest.raises(CheckpointError, match=expected) as error:
        read_state_dict(str(path))
    message = str(error.value)
    assert str(path) in message and '\n' not in message
    assert 'weights_only' not in message


def test_state_dict_is_read_from_mmengine_checkpoints_and_plain_dicts(
        tmp_path):
    model = ToyTwoLossModel()
    wrapped = {f'module.{k}': v for k, v in model.state_dict().items()}
    torch.save(wrapped, tmp_path / 'plain.pth')
    state = read_state_dict(str(_good(tmp_path / 'ckpt.pth')))
    assert state.keys() == model.state_dict().keys()
    assert read_state_dict(str(tmp_path / 'plain.pth')).keys() == \
        model.state_dict().keys()


def test_missing_and_reshaped_keys_are_counted_and_named():
    model = ToyTwoLossModel(weighter=dict(type='CoVWeighting'))
    state = model.state_dict()
    del state['head_a.weight'], state['head_b.bias']
    state['trunk.weight'] = torch.zeros(3, 4)
    state['extra.weight'] = torch.zeros(1)
    needed = len([k for k in model.state_dict()
                  if not k.startswith('weighter.')])
    with pytest.raises(CheckpointError) as error:
        check_state_dict_fits(state, model, 'ckpt.pth')
    message = str(error.value)
    assert f'{needed - 3} of {needed} model keys matched' in message
    assert '2 missing (e.g. head_a.weight, head_b.bias)' in message
    assert '1 with another shape (e.g. trunk.weight (3, 4) vs (8, 4))' \
        in message
    assert '1 unexpected (e.g. extra.weight)' in message


def test_weighter_state_is_not_needed_for_testing():
    model = ToyTwoLossModel(weighter=dict(type='CoVWeighting'))
    trained_with_dwa = {k: v for k, v in model.state_dict().items()
                        if not k.startswith('weighter.')}
    trained_with_dwa['weighter.period_means'] = torch.zeros(2, 2)
    assert any(k.startswith('weighter.') for k in model.state_dict())
    check_state_dict_fits(trained_with_dwa, model, 'ckpt.pth')


def _test_tool():
    spec = importlib.util.spec_from_file_location(
        'mtlw_test_tool', osp.join(ROOT, 'tools', 'test.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_test_tool_refuses_a_checkpoint_of_another_model(tmp_path,
                                                         monkeypatch):
    checkpoint = _good(tmp_path / 'toy.pth')
    monkeypatch.setattr(sys, 'argv', [
        'tools/test.py', CONFIG, str(checkpoint), '--work-dir',
        str(tmp_path), '--cfg-options',
        f'experiment_name=check_{uuid.uuid4().hex[:8]}'])
    with pytest.raises(SystemExit) as error:
        _test_tool().main()
    message = str(error.value.code)
    assert message.startswith(f'tools/test.py: checkpoint {checkpoint} '
                              'does not fit the model (')
    assert re.search(r': 0 of (\d+) model keys matched, \1 missing', message)
    assert 'missing (e.g. backbone.' in message
    assert '6 unexpected (e.g. trunk.weight' in message


def test_test_tool_exits_with_one_line_on_an_empty_checkpoint(
        tmp_path, monkeypatch):
    checkpoint = tmp_path / 'empty.pth'
    checkpoint.write_bytes(b'')
    monkeypatch.setattr(sys, 'argv', ['tools/test.py', CONFIG,
                                      str(checkpoint)])
    with pytest.raises(SystemExit) as error:
        _test_tool().main()
    # a str exit code: Python prints it on stderr and exits with status 1
    assert error.value.code == (
        f'tools/test.py: checkpoint {checkpoint} is empty (0 bytes)')
