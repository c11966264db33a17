"""ImageNet weights of the encoders: where they come from and how a local
file is checked before it is loaded.

Every encoder of mtlw (:class:`TimmEncoder`, :class:`ResNetV1cEncoder`,
:class:`StagedResNet`) takes the same two arguments: ``pretrained`` (fetch
the standard ImageNet weights on first use) and ``checkpoint`` (a local
weight file instead).
Both reach the backbone through one config key, :data:`CHECKPOINT_KEY`.
"""
import os.path as osp
from typing import Callable, Dict, Iterable, Optional, Sequence

import torch
from torch import Tensor, nn

#: The config key that points an encoder at a local weight file.
CHECKPOINT_KEY = 'model.backbone.checkpoint'
#: How many missing / unexpected keys an error message lists.
SHOWN_KEYS = 5

StateDict = Dict[str, Tensor]


class PretrainedWeightsError(RuntimeError):
    """The standard ImageNet weights of an encoder could not be fetched."""


def offline_message(model: str, source: str, file_name: str) -> str:
    """The one error a machine without network gets.

    Args:
        model (str): The encoder, e.g. ``"timm's resnet50"``.
        source (str): Where the weights are fetched from (a URL or a
            Hugging Face Hub id).
        file_name (str): A name for the file to place.

    Returns:
        str: What to download, where to put it and which key to set.
    """
    return (f'could not fetch the ImageNet weights of {model} from '
            f'{source}. Without network, download that file elsewhere, '
            f'place it e.g. at checkpoints/{file_name} and point the config '
            f'at it: --cfg-options {CHECKPOINT_KEY}=checkpoints/{file_name} '
            f'(or {CHECKPOINT_KEY.rsplit(".", 1)[0]}.pretrained=False to '
            'start from random weights)')


def fetch(download: Callable[[], StateDict], model: str, source: str,
          file_name: str) -> StateDict:
    """Run ``download``; a failure becomes a :class:`PretrainedWeightsError`.

    Args:
        download (Callable[[], dict]): Returns the weights (network).
        model (str): The encoder, for the message.
        source (str): Where ``download`` fetches from, for the message.
        file_name (str): A name for the file to place, for the message.

    Returns:
        dict: The state dict ``download`` returned.
    """
    try:
        return download()
    except Exception as error:  # noqa: B902 - network errors vary by source
        raise PretrainedWeightsError(
            offline_message(model, source, file_name)) from error


def unwrap_state_dict(state: dict) -> StateDict:
    """The tensors of a saved checkpoint.

    Training checkpoints nest the weights under ``state_dict`` or ``model``
    and distributed wrappers prefix every key with ``module.``; both are
    undone.

    Args:
        state (dict): What ``torch.load`` returned.

    Returns:
        dict: Parameter and buffer names to tensors.
    """
    for nest in ('state_dict', 'model'):
        if isinstance(state.get(nest), dict):
            state = state[nest]
            break
    return {(key[len('module.'):] if key.startswith('module.') else key):
            value for key, value in state.items()}


def read_checkpoint(path: str) -> StateDict:
    """Read a local weight file (``.pth`` / ``.bin`` or ``.safetensors``).

    Args:
        path (str): The file ``checkpoint`` names.

    Returns:
        dict: Its parameters and buffers.

    Raises:
        FileNotFoundError: ``path`` is not a file; the message names the
            path and :data:`CHECKPOINT_KEY`.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'checkpoint={path!r} is not a file: place the encoder weights '
            f'there or set {CHECKPOINT_KEY} to where they are')
    if path.endswith('.safetensors'):
        from safetensors.torch import load_file
        return load_file(path, device='cpu')
    return unwrap_state_dict(
        torch.load(path, map_location='cpu', weights_only=True))


def _listed(keys: Sequence[str]) -> str:
    """At most :data:`SHOWN_KEYS` keys, and how many more there are."""
    shown = ', '.join(keys[:SHOWN_KEYS])
    more = len(keys) - SHOWN_KEYS
    return f'{shown} (and {more} more)' if more > 0 else shown


def check_keys(state_dict: StateDict, needed: Iterable[str],
               known: Iterable[str], source: str, model: str) -> None:
    """Refuse a weight file that does not belong to the encoder.

    Args:
        state_dict (dict): The file's weights.
        needed (Iterable[str]): Keys the encoder loads (all must be there).
        known (Iterable[str]): Every key the file may hold: ``needed`` and
            those of the parts the encoder drops (the classifier).
        source (str): The file, for the message.
        model (str): The encoder, for the message.

    Raises:
        ValueError: Keys are missing or unknown; the message lists a few of
            each.
    """
    present = set(state_dict)
    missing = sorted(set(needed) - present)
    unexpected = sorted(present - set(known) - set(needed))
    if missing or unexpected:
        problems = []
        if missing:
            problems.append(f'{len(missing)} missing keys: '
                            f'{_listed(missing)}')
        if unexpected:
            problems.append(f'{len(unexpected)} unexpected keys: '
                            f'{_listed(unexpected)}')
        raise ValueError(f'checkpoint={source!r} does not hold the weights '
                         f'of {model}: ' + '; '.join(problems))


def source_weights(checkpoint: Optional[str],
                   download: Callable[[], StateDict], model: str,
                   source: str, file_name: str) -> StateDict:
    """The weights an encoder starts from: the local file if one is given,
    else the standard download (errors as :func:`fetch` raises them).

    Args:
        checkpoint (str, optional): A local weight file.
        download (Callable[[], dict]): Fetches the standard weights.
        model (str): The encoder, for messages.
        source (str): Where ``download`` fetches from, for messages.
        file_name (str): A name for the file to place, for messages.

    Returns:
        dict: The weights.
    """
    if checkpoint is not None:
        return read_checkpoint(checkpoint)
    return fetch(download, model, source, file_name)


def load_checked(module: nn.Module, weights: StateDict, dropped: Iterable[str],
                 source: str, model: str) -> None:
    """Load a whole-model weight file into an encoder that has the same
    parameter names, checked first (:func:`check_keys`); the encoder keeps
    the weights through a later ``init_weights()``.

    Args:
        module (nn.Module): The encoder (an mmengine ``BaseModule``).
        weights (dict): The file's weights.
        dropped (Iterable[str]): Keys of the file the encoder does not have
            (the classifier).
        source (str): The file or URL, for messages.
        model (str): The encoder, for messages.
    """
    state = module.state_dict()
    needed = {key for key in state
              if not key.endswith('num_batches_tracked')}
    check_keys(weights, needed, set(state) | set(dropped), source, model)
    module.load_state_dict(
        {key: weights.get(key, state[key]) for key in state})
    module._is_init = True  # keep the weights through init_weights()


def without_pretrained_weights(model_cfg: dict) -> dict:
    """Switch off the ImageNet start of a model config's encoder.

    For evaluating a trained checkpoint (it holds every weight) and for
    tests: the encoder is built from random weights and nothing is fetched.

    Args:
        model_cfg (dict): A ``model`` config; changed in place.

    Returns:
        dict: ``model_cfg``.
    """
    backbone = model_cfg.get('backbone')
    if isinstance(backbone, dict) and 'pretrained' in backbone:
        # mtlw's encoders take a flag, mmseg's a path (None: random init).
        backbone['pretrained'] = (
            False if isinstance(backbone['pretrained'], bool) else None)
    if isinstance(backbone, dict) and backbone.get('checkpoint') is not None:
        backbone['checkpoint'] = None
    return model_cfg
