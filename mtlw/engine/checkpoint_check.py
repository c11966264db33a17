"""Checks that a checkpoint file can be read and fits a model, so that
``tools/test.py`` never scores a model the checkpoint did not load into."""
import logging
import os.path as osp
import pickle
import re
import warnings
from typing import Dict, List, Mapping

import torch
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper

from mtlw.compat.checkpoint import UnsafeCheckpointError

#: State-dict keys a test may lack or have extra: the weighter's state only
#: matters for training, so a checkpoint trained with another weighting
#: rule (or without mtlw) is tested as usual.
TRAINING_ONLY_PREFIX = 'weighter.'

#: How many key names an error lists.
SHOWN_KEYS = 5


class CheckpointError(ValueError):
    """A checkpoint file cannot be read or does not fit the model."""


def read_state_dict(path: str) -> Dict[str, torch.Tensor]:
    """Load a checkpoint's model weights, or say in one line what is wrong.

    Args:
        path (str): The checkpoint file.

    Returns:
        dict: Its ``state_dict`` (or the file itself when it is a plain
        state dict), with DDP's ``module.`` prefixes removed.

    Raises:
        CheckpointError: The file is missing, empty, truncated, not a
            PyTorch checkpoint, refers to objects a weights-only load
            refuses, or holds no tensors.
    """
    if not osp.isfile(path):
        raise CheckpointError(f'checkpoint {path} does not exist')
    size = osp.getsize(path)
    if size == 0:
        raise CheckpointError(f'checkpoint {path} is empty (0 bytes)')
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            checkpoint = torch.load(path, map_location='cpu',
                                    weights_only=True)
    except Exception as error:  # noqa: BLE001 (each cause becomes one line)
        raise CheckpointError(
            f'checkpoint {path} ({size} bytes) {_load_failure(error)}'
        ) from None
    state = checkpoint.get('state_dict', checkpoint) \
        if isinstance(checkpoint, Mapping) else None
    if not isinstance(state, Mapping) or not any(
            isinstance(value, torch.Tensor) for value in state.values()):
        raise CheckpointError(
            f'checkpoint {path} holds no model weights: expected a dict of '
            'tensors or a dict with a "state_dict" entry, found a '
            f'{type(checkpoint).__name__}')
    return {re.sub(r'^module\.', '', key): value
            for key, value in state.items()}


def _load_failure(error: Exception) -> str:
    """What a ``torch.load`` exception says about the file, in one phrase."""
    message = str(error)
    if isinstance(error, UnsafeCheckpointError):
        return f'is refused: {message}'
    unsafe = re.search(r'GLOBAL (\S+) was not an allowed global', message)
    if unsafe:
        return (f'is refused: it refers to the Python object {unsafe[1]}, '
                'which checkpoints of mmengine and mtlw never contain '
                '(they hold tensors, numbers, arrays and HistoryBuffers)')
    if isinstance(error, EOFError) or 'zip archive' in message:
        return 'is truncated or corrupted (it ends before its data do)'
    if isinstance(error, pickle.UnpicklingError):
        return 'is not a PyTorch checkpoint (its bytes are not a pickle)'
    return (f'is not a PyTorch checkpoint ({type(error).__name__}: '
            f'{message.splitlines()[0] if message else "no message"})')


def check_state_dict_fits(state: Mapping[str, torch.Tensor],
                          model: torch.nn.Module, path: str) -> None:
    """Require every model key to be in the checkpoint with its shape.

    Keys under :data:`TRAINING_ONLY_PREFIX` are exempt; keys the model does
    not have are logged as a warning (the model is still fully loaded).

    Args:
        state (Mapping): The checkpoint's state dict (:func:`read_state_dict`).
        model (nn.Module): The model to test, possibly wrapped.
        path (str): The checkpoint file, for messages.

    Raises:
        CheckpointError: Some model keys are missing or have another shape;
            the message gives the counts and the first few names.
    """
    model = model.module if is_model_wrapper(model) else model
    expected = model.state_dict()
    needed = [key for key in expected
              if not key.startswith(TRAINING_ONLY_PREFIX)]
    missing = [key for key in needed if key not in state]
    reshaped = [
        f'{key} {tuple(state[key].shape)} vs {tuple(expected[key].shape)}'
        for key in needed if key in state
        and getattr(state[key], 'shape', None) != expected[key].shape]
    unexpected = [key for key in state if key not in expected
                  and not key.startswith(TRAINING_ONLY_PREFIX)]
    matched = len(needed) - len(missing) - len(reshaped)
    counts = (f'{matched} of {len(needed)} model keys matched, '
              f'{len(missing)} missing{_names(missing)}, '
              f'{len(reshaped)} with another shape{_names(reshaped)}, '
              f'{len(unexpected)} unexpected{_names(unexpected)}')
    if missing or reshaped:
        raise CheckpointError(
            f'checkpoint {path} does not fit the model '
            f'({type(model).__name__}): {counts}')
    if unexpected:
        print_log(f'checkpoint {path}: {counts}', logger='current',
                  level=logging.WARNING)


def _names(keys: List[str]) -> str:
    """`` (e.g. a, b, ...)`` for the first few keys, or nothing."""
    if not keys:
        return ''
    more = ', ...' if len(keys) > SHOWN_KEYS else ''
    return f' (e.g. {", ".join(keys[:SHOWN_KEYS])}{more})'
