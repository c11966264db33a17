"""Lets torch >= 2.6 load the checkpoints mmengine 0.10.7 writes.

Since torch 2.6, ``torch.load`` defaults to ``weights_only=True`` and
refuses any class it does not know. mmengine 0.10.7 calls ``torch.load``
without that argument and stores its message hub (``HistoryBuffer`` objects
holding numpy arrays) in every checkpoint, so ``--resume`` fails. Instead of
turning the safety check off, the few classes mmengine stores are added to
torch's allowlist, and no general-purpose callable is: a checkpoint from
elsewhere still cannot run code, or fetch a callable, while being loaded.

``HistoryBuffer`` is pickled through plain types: ``copyreg`` makes every
buffer saved after ``import mtlw`` pickle as ``HistoryBuffer(log_history,
count_history, max_length)``. Buffers saved without it (mmengine's own
``__getstate__``) carry ``getattr(HistoryBuffer, 'mean')`` and its siblings;
they load through :func:`history_buffer_statistic`, which torch's
weights-only unpickler uses in place of ``getattr`` and which returns only
``HistoryBuffer``'s own statistics methods.
"""
import copyreg
from typing import Any, Dict, List, Tuple

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer

#: The statistics methods ``HistoryBuffer`` registers for itself: the only
#: attributes an old-style checkpoint may fetch with ``getattr``.
HISTORY_BUFFER_STATISTICS = ('min', 'max', 'current', 'mean')

_HISTORY_BUFFER_NAME = 'mmengine.logging.history_buffer.HistoryBuffer'


class UnsafeCheckpointError(ValueError):
    """A checkpoint asks the unpickler for something a weights-only load
    refuses (a callable or an attribute that mmengine never stores)."""


def history_buffer_statistic(owner: Any, name: Any) -> Any:
    """What ``getattr`` may return while a checkpoint is unpickled.

    Old-style mmengine checkpoints store each buffer's statistics methods as
    ``getattr(HistoryBuffer, 'mean')``; torch's weights-only unpickler calls
    this function for ``builtins.getattr`` instead of the real one.

    Args:
        owner: The object the checkpoint asks an attribute of.
        name: The attribute name.

    Returns:
        The function ``HistoryBuffer.<name>``.

    Raises:
        UnsafeCheckpointError: ``owner`` is not ``HistoryBuffer`` or ``name``
            is not one of :data:`HISTORY_BUFFER_STATISTICS`.
    """
    if not (isinstance(owner, type) and issubclass(owner, HistoryBuffer)
            and name in HISTORY_BUFFER_STATISTICS):
        owner = 'getattr' if owner is history_buffer_statistic else owner
        raise UnsafeCheckpointError(
            f'checkpoint refused: it asks for getattr({owner}, {name!r}); '
            'a checkpoint may only refer to HistoryBuffer statistics '
            f'{HISTORY_BUFFER_STATISTICS}. The file was not written by '
            'mmengine or mtlw and must not be loaded.')
    return getattr(HistoryBuffer, name)


def reduce_history_buffer(buffer: HistoryBuffer) -> Tuple[type, tuple]:
    """Pickle a buffer as ``HistoryBuffer(log, counts, max_length)``.

    Args:
        buffer (HistoryBuffer): The buffer to save.

    Returns:
        tuple: ``copyreg``'s ``(callable, args)``.
    """
    logs, counts = buffer.data
    return HistoryBuffer, (logs, counts, buffer.max_length)


class CheckedHistoryBuffer(HistoryBuffer):
    """``HistoryBuffer`` as loaded from a checkpoint by torch's weights-only
    unpickler: its saved statistics methods may only be the ones the code
    has registered, so a file cannot change what ``statistics('mean')``
    calls in the running process. It saves as a plain ``HistoryBuffer``."""

    def __setstate__(self, state: Dict[str, Any]) -> None:
        saved = state.get('statistics_methods', {})
        if not isinstance(saved, dict):
            raise UnsafeCheckpointError(
                'checkpoint refused: HistoryBuffer statistics_methods is a '
                f'{type(saved).__name__}, expected a dict')
        registered = dict(self._statistics_methods)
        registered.update({name: getattr(HistoryBuffer, name)
                           for name in HISTORY_BUFFER_STATISTICS})
        for name, method in saved.items():
            if registered.get(name) is not method:
                raise UnsafeCheckpointError(
                    'checkpoint refused: it registers HistoryBuffer '
                    f'statistic {name!r} as {method!r}, which is not the '
                    'method the code registers under that name')
        super().__setstate__(state)

    def __reduce__(self) -> Tuple[type, tuple]:
        return reduce_history_buffer(self)


def _numpy_globals() -> List[object]:
    """Numpy reconstructors and dtype classes that pickled arrays refer to."""
    multiarray = getattr(np, '_core', None)
    multiarray = multiarray.multiarray if multiarray is not None \
        else np.core.multiarray
    dtype_classes = {
        type(np.dtype(code))
        for code in '?bBhHiIlLqQefdgFDGSUVO'
    }
    return [multiarray._reconstruct, multiarray.scalar, np.ndarray, np.dtype,
            *sorted(dtype_classes, key=lambda cls: cls.__name__)]


def allow_mmengine_checkpoint_globals() -> None:
    """Let torch's weights-only unpickler read mmengine's checkpoints.

    Adds numpy's array and scalar reconstructors, ``HistoryBuffer`` (as
    :class:`CheckedHistoryBuffer`) and, under the name ``builtins.getattr``,
    the narrow :func:`history_buffer_statistic`; and makes buffers saved
    from now on pickle through plain types (:func:`reduce_history_buffer`).
    """
    copyreg.pickle(HistoryBuffer, reduce_history_buffer)
    if not hasattr(torch.serialization, 'add_safe_globals'):
        return  # torch < 2.4 loads everything anyway
    torch.serialization.add_safe_globals([
        (CheckedHistoryBuffer, _HISTORY_BUFFER_NAME),
        (history_buffer_statistic, 'builtins.getattr'),
        *_numpy_globals()
    ])
