"""Lets torch >= 2.6 load the checkpoints mmengine 0.10.7 writes.

Since torch 2.6, ``torch.load`` defaults to ``weights_only=True`` and
refuses any class it does not know. mmengine 0.10.7 calls ``torch.load``
without that argument and stores its message hub (``HistoryBuffer`` objects
holding numpy arrays) in every checkpoint, so ``--resume`` fails. Instead of
turning the safety check off, the few classes mmengine stores are added to
torch's allowlist: a checkpoint from elsewhere still cannot run code while
being loaded.
"""
from typing import List

import numpy as np
import torch


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
    """Add what mmengine's checkpoints contain to torch's safe globals.

    ``HistoryBuffer`` pickles its statistics methods as
    ``getattr(HistoryBuffer, 'mean')``, so ``getattr`` is allowed too. That
    stays safe: the weights-only unpickler calls only allowlisted callables,
    so an attribute fetched this way can be stored but never called.
    """
    if not hasattr(torch.serialization, 'add_safe_globals'):
        return  # torch < 2.4 loads everything anyway
    from mmengine.logging.history_buffer import HistoryBuffer
    torch.serialization.add_safe_globals(
        [HistoryBuffer, getattr, *_numpy_globals()])
