"""mtlw.compat.checkpoint: checkpoint loading."""
import subprocess

import pytest
import torch


def test_mmengine_message_hub_loads_with_weights_only(tmp_path):
    import numpy as np
    from mmengine.logging import MessageHub
    from mmengine.runner.checkpoint import load_checkpoint  # noqa: F401
    from mmengine.runner.checkpoint import _load_checkpoint

    hub = MessageHub.get_instance('test_compat_hub')
    hub.update_scalar('train/loss', np.float64(0.5))
    hub.update_info('iter', np.int64(3))
    path = tmp_path / 'ckpt.pth'
    torch.save(dict(message_hub=hub.state_dict(),
                    arr=np.arange(3, dtype=np.float32)), path)
    loaded = _load_checkpoint(str(path), map_location='cpu')
    assert loaded['message_hub']['log_scalars']['train/loss'].current() == 0.5
    np.testing.assert_array_equal(loaded['arr'], [0, 1, 2])


def test_unlisted_globals_are_still_refused(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save(dict(obj=subprocess.CompletedProcess(['x'], 0)), path)
    with pytest.raises(Exception, match='weights_only|Unsupported global'):
        torch.load(path)


class _GetAttr:
    """Pickles as ``getattr(owner, name)``, as a crafted checkpoint would."""

    def __init__(self, owner, name):
        self.owner, self.name = owner, name

    def __reduce__(self):
        return getattr, (self.owner, self.name)


def _save_without_mtlw_reducer(obj, path):
    """Save as mmengine does without mtlw: ``getattr(HistoryBuffer, ...)``."""
    import copyreg

    from mmengine.logging.history_buffer import HistoryBuffer
    reducer = copyreg.dispatch_table.pop(HistoryBuffer, None)
    try:
        torch.save(obj, path)
    finally:
        if reducer is not None:
            copyreg.dispatch_table[HistoryBuffer] = reducer


def _hub_state(name):
    from mmengine.logging import MessageHub
    hub = MessageHub.get_instance(name)
    for value in (0.5, 1.5, 4.0):
        hub.update_scalar('train/loss', value)
    return hub.state_dict()


def test_crafted_getattr_chain_cannot_reach_builtins(tmp_path):
    from mtlw.compat.checkpoint import UnsafeCheckpointError
    path = tmp_path / 'evil.pth'
    torch.save(dict(run=_GetAttr(_GetAttr(getattr, '__self__'), 'exec')),
               path)
    with pytest.raises(UnsafeCheckpointError,
                       match=r"getattr\(getattr, '__self__'\)") as error:
        torch.load(path)
    assert 'weights_only=False' not in str(error.value)
    path = tmp_path / 'evil_attr.pth'
    torch.save(dict(f=_GetAttr(torch.Tensor, 'add_')), path)
    with pytest.raises(UnsafeCheckpointError, match='add_'):
        torch.load(path)


def test_new_checkpoints_store_history_buffers_in_plain_types(tmp_path):
    path = tmp_path / 'hub.pth'
    torch.save(_hub_state('test_compat_plain'), path)
    assert b'getattr' not in path.read_bytes()
    assert torch.serialization.get_unsafe_globals_in_checkpoint(path) == []
    buffer = torch.load(path)['log_scalars']['train/loss']
    logs, counts = buffer.data
    assert logs.tolist() == [0.5, 1.5, 4.0] and counts.tolist() == [1, 1, 1]
    assert buffer.mean() == 2.0 and buffer.statistics('max') == 4.0
    # loaded buffers save in the plain form again
    torch.save(dict(hub=buffer), path)
    assert b'getattr' not in path.read_bytes()
    assert b'CheckedHistoryBuffer' not in path.read_bytes()


def test_old_style_history_buffer_checkpoint_still_loads(tmp_path):
    from mmengine.logging.history_buffer import HistoryBuffer
    path = tmp_path / 'old.pth'
    _save_without_mtlw_reducer(_hub_state('test_compat_old'), path)
    assert b'getattr' in path.read_bytes()
    buffer = torch.load(path)['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer)
    assert buffer.mean() == 2.0 and buffer.statistics('current') == 4.0
    assert HistoryBuffer._statistics_methods['mean'] is HistoryBuffer.mean


def test_old_style_checkpoint_cannot_replace_a_statistic(tmp_path,
                                                         monkeypatch):
    import numpy as np
    from mmengine.logging.history_buffer import HistoryBuffer

    from mtlw.compat.checkpoint import UnsafeCheckpointError
    buffer = HistoryBuffer([1.0], [1])
    monkeypatch.setattr(
        HistoryBuffer, '__getstate__',
        lambda self: dict(self.__dict__,
                          statistics_methods=dict(mean=np.ndarray)))
    path = tmp_path / 'poisoned.pth'
    _save_without_mtlw_reducer(dict(buffer=buffer), path)
    monkeypatch.undo()
    with pytest.raises(UnsafeCheckpointError, match="statistic 'mean'"):
        torch.load(path)
    assert HistoryBuffer._statistics_methods['mean'] is HistoryBuffer.mean


@pytest.mark.slow
def test_checkpoints_a_run_writes_hold_no_getattr_and_resume(tmp_path):
    import copy

    import numpy as np
    from mmengine.runner import Runner
    from mmengine.runner.checkpoint import _load_checkpoint

    from tests._fixtures.toy import toy_runner_cfg
    runner = Runner.from_cfg(toy_runner_cfg(
        str(tmp_path), 2, dict(type='CoVWeighting')))
    runner.train()
    path = tmp_path / 'iter_2.pth'
    assert b'getattr' not in path.read_bytes()
    saved = _load_checkpoint(str(path), map_location='cpu')
    expected = copy.deepcopy(runner.message_hub.state_dict())
    assert set(saved['message_hub']['log_scalars']) == \
        set(expected['log_scalars'])
    for key, buffer in expected['log_scalars'].items():
        for got, want in zip(saved['message_hub']['log_scalars'][key].data,
                             buffer.data):
            np.testing.assert_array_equal(got, want, err_msg=key)
